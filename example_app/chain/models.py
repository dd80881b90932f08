"""A parent -> child -> grandchild chain whose deletes are slow under Python-level CASCADE.

Deleting one ``Parent`` with 100,000 ``Child`` rows (each with a 4 KB JSON payload and a
``post_delete`` receiver) and 500,000 ``GrandChild`` rows makes Django's Collector load every child
into memory and delete the grandchildren in batches of ids. With the cascade in the database
(``DB_CASCADE``) the same delete is one statement.
"""

from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver


class Parent(models.Model):
    name = models.CharField(max_length=100)


class Child(models.Model):
    parent = models.ForeignKey(Parent, on_delete=models.CASCADE, related_name="children")
    payload = models.JSONField(default=dict)


class GrandChild(models.Model):
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="grandchildren")
    note = models.CharField(max_length=100, blank=True)


@receiver(post_delete, sender=Child)
def child_deleted(sender: type[Child], instance: Child, **kwargs: object) -> None:
    """An audit hook, as real projects have: its mere presence disables Django's fast delete."""
