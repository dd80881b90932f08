"""unique_together → a named UniqueConstraint, and the FK index it makes redundant.

1. Build the new unique index concurrently and attach it as a constraint (writes go on).
2. Only then drop the old unique_together constraint: uniqueness is enforced throughout.
3. Drop the implicit index of ``category``: the unique constraint on (category, sku) starts with
   ``category``, so it serves the same lookups. Its real, hash-suffixed name is read from the
   catalog; the foreign key constraint is left as it is.
"""

from django.db import migrations, models

from safemigrations.operations import AddUniqueConstraintConcurrently, DropIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("catalog", "0001_initial")]

    operations = [
        AddUniqueConstraintConcurrently(
            "product",
            models.UniqueConstraint(
                fields=["category", "sku"], name="catalog_product_category_sku_uniq"
            ),
        ),
        DropIndexConcurrently("product", fields=["category", "sku"]),
        DropIndexConcurrently("product", field="category"),
    ]
