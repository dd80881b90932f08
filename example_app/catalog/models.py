"""A shop catalog, as many production schemas start — and the safe migrations that evolve it.

- ``Product.created_by`` / ``last_edited_by``: two foreign keys to ``auth.User``. Deleting a user
  makes Django's Collector walk every product they touched, in Python.
- ``unique_together = [("category", "sku")]`` was the legacy form: migration 0002 replaces it with
  the named ``UniqueConstraint`` below (``AddUniqueConstraintConcurrently``, then the old one is
  dropped), so uniqueness is enforced throughout.
- ``Product.category`` had the implicit FK index ``catalog_product_category_id_<hash>``, which the
  unique constraint on (category, sku) makes redundant: 0002 drops it with
  ``DropIndexConcurrently(field="category")``, leaving the foreign key constraint alone.
- ``last_edited_by`` is mostly NULL: 0003 swaps its full index for a partial one.
- ``currency`` was added nullable (0004) and made NOT NULL without a blocking scan (0005,
  ``SetNotNull``); ``reviewed_by`` is a foreign key added to the existing table without blocking
  writes (0006, ``AddForeignKeyField``).
"""

from django.conf import settings
from django.db import models


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    # Indexed by the unique constraint on (category, sku), which starts with it.
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", db_index=False
    )
    sku = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    price_cents = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        db_index=False,  # product_last_edited_by_part_ix indexes the non-NULL values
    )
    currency = models.CharField(max_length=3, default="EUR")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["category", "sku"], name="catalog_product_category_sku_uniq"
            )
        ]
        indexes = [
            models.Index(
                fields=["last_edited_by"],
                name="product_last_edited_by_part_ix",
                condition=models.Q(last_edited_by__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"
