"""One parent, many children with a 4 KB JSON document each, five grandchildren per child.

``DELETEBENCH_ON_DELETE=db`` makes both foreign keys ``DB_CASCADE``, ``mirror``
``InDatabaseToo(models.CASCADE)``; anything else ``models.CASCADE`` (Django's Python emulation).
``DELETEBENCH_LEAF_CHILDREN=1`` makes the grandchildren's key ``DO_NOTHING``, so nothing Django
must handle in Python points at a child.
"""

import os

from django.db import models

from safemigrations import DB_CASCADE, InDatabaseToo

ON_DELETE = {"db": DB_CASCADE, "mirror": InDatabaseToo(models.CASCADE)}.get(
    os.environ.get("DELETEBENCH_ON_DELETE", ""), models.CASCADE
)


class Parent(models.Model):
    name = models.CharField(max_length=50)


class Child(models.Model):
    parent = models.ForeignKey(Parent, ON_DELETE)
    payload = models.JSONField()


class GrandChild(models.Model):
    child = models.ForeignKey(
        Child,
        models.DO_NOTHING if os.environ.get("DELETEBENCH_LEAF_CHILDREN") == "1" else ON_DELETE,
    )
