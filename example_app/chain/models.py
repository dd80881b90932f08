"""A parent -> child -> grandchild chain whose deletes are slow under Python-level CASCADE.

Deleting one ``Parent`` with 100,000 ``Child`` rows (each with a 4 KB JSON payload and a
``post_delete`` receiver) and 500,000 ``GrandChild`` rows makes Django's Collector load every child
into memory and delete the grandchildren in batches of ids. With the cascade in the database
(``DB_CASCADE``) the same delete is one statement.

The tables started with Python-level ``CASCADE`` (``0001``). ``0002`` moves both keys to
``DB_CASCADE`` on the live tables with ``AddDBCascadeConstraint`` (no blocking validation scan);
``0003``/``0004`` add a CHECK constraint ``NOT VALID`` and validate it in a later migration.
Children removed by the database cascade no longer reach the ``post_delete`` receiver: a project
that needs it for every row keeps ``InDatabaseToo(models.CASCADE)`` instead.
"""

from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver

from safemigrations.deletion import DB_CASCADE


class Parent(models.Model):
    name = models.CharField(max_length=100)


class Child(models.Model):
    parent = models.ForeignKey(Parent, on_delete=DB_CASCADE, related_name="children")
    payload = models.JSONField(default=dict)


class GrandChild(models.Model):
    child = models.ForeignKey(Child, on_delete=DB_CASCADE, related_name="grandchildren")
    note = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(note__startswith=" "), name="chain_grandchild_note_trimmed"
            )
        ]


@receiver(post_delete, sender=Child)
def child_deleted(sender: type[Child], instance: Child, **kwargs: object) -> None:
    """An audit hook, as real projects have: its mere presence disables Django's fast delete."""
