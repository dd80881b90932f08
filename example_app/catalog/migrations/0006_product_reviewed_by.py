"""A new foreign key on a big table: column, concurrent index, NOT VALID, then VALIDATE."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from safemigrations.operations import AddForeignKeyField


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("catalog", "0005_product_currency_not_null"),
    ]

    operations = [
        AddForeignKeyField(
            "product",
            "reviewed_by",
            models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
