"""One parent, many children with a 4 KB JSON document each, five grandchildren per child.

``DELETEBENCH_ON_DELETE=db`` makes both foreign keys ``DB_CASCADE``; anything else
``models.CASCADE`` (Django's Python emulation).
"""

import os

from django.db import models

from safemigrations import DB_CASCADE

ON_DELETE = DB_CASCADE if os.environ.get("DELETEBENCH_ON_DELETE") == "db" else models.CASCADE


class Parent(models.Model):
    name = models.CharField(max_length=50)


class Child(models.Model):
    parent = models.ForeignKey(Parent, ON_DELETE)
    payload = models.JSONField()


class GrandChild(models.Model):
    child = models.ForeignKey(Child, ON_DELETE)
