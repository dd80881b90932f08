"""A shop catalog, as many production schemas start.

- ``Product.created_by`` / ``last_edited_by``: two foreign keys to ``auth.User``. Deleting a user
  makes Django's Collector walk every product they touched, in Python.
- ``unique_together = [("category", "sku")]``: the legacy form; later migrations replace it with a
  named ``UniqueConstraint`` without a gap in uniqueness.
- ``Product.category`` has the implicit FK index ``catalog_product_category_id_...``, which the
  unique constraint on (category, sku) makes redundant: dropping it safely is its own story.
"""

from django.conf import settings
from django.db import models


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    sku = models.CharField(max_length=40)
    name = models.CharField(max_length=200)
    price_cents = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        unique_together = [("category", "sku")]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"
