"""A partial index for a sparse foreign key instead of the full implicit one.

Most products were never edited: an index of the non-NULL values only is a fraction of the
size. It is built first, then the implicit index is dropped.
"""

from django.db import migrations, models

from safemigrations.operations import AddIndexConcurrently, DropIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("catalog", "0002_product_category_sku_uniq")]

    operations = [
        AddIndexConcurrently(
            "product",
            models.Index(
                fields=["last_edited_by"],
                name="product_last_edited_by_part_ix",
                condition=models.Q(last_edited_by__isnull=False),
            ),
        ),
        DropIndexConcurrently("product", field="last_edited_by"),
    ]
