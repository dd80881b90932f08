"""NOT NULL without a table scan under ACCESS EXCLUSIVE: a validated check proves it."""

from django.db import migrations

from safemigrations.operations import SetNotNull


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("catalog", "0004_product_currency")]

    operations = [SetNotNull("product", "currency")]
