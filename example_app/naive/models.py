"""Orders, migrated the way plain Django writes the migrations: every step blocks a busy table.

The migrations in ``migrations/`` are what ``makemigrations`` produces without safemigrations
(a plain ``AddIndex``, a ``ForeignKey`` added with its index and validated constraint, a
``NOT NULL`` set by ``AlterField``, a unique constraint, an index dropped by ``db_index=False``).
``make demo`` lints them; the ``catalog`` and ``chain`` apps do the same changes the safe way.
"""

from django.conf import settings
from django.db import models


class Courier(models.Model):
    name = models.CharField(max_length=100)


class Order(models.Model):
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, db_index=False, related_name="+"
    )
    reference = models.CharField(max_length=40)
    note = models.CharField(max_length=200, default="")
    placed_at = models.DateTimeField(auto_now_add=True)
    courier = models.ForeignKey(Courier, null=True, on_delete=models.SET_NULL)

    class Meta:
        indexes = [models.Index(fields=["placed_at"], name="naive_order_placed_at_idx")]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="naive_order_reference_uniq")
        ]
