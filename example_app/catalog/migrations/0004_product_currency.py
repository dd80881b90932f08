"""A new column, nullable first: existing rows get the default without a table rewrite."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_product_last_edited_by_partial_index")]

    operations = [
        migrations.AddField(
            model_name="product",
            name="currency",
            field=models.CharField(default="EUR", max_length=3, null=True),
        ),
    ]
