import django.db.models.deletion
from django.db import migrations, models

import safemigrations.deletion


class Migration(migrations.Migration):
    """Django drops and re-adds both foreign keys: the ON DELETE actions must survive."""

    dependencies = [("constraintops", "0002_switch_on_delete")]

    operations = [
        migrations.AlterField(
            model_name="audited",
            name="parent",
            field=models.ForeignKey(
                null=True,
                on_delete=safemigrations.deletion.InDatabaseToo(django.db.models.deletion.CASCADE),
                related_name="audited",
                to="constraintops.parent",
            ),
        ),
        migrations.AlterField(
            model_name="child",
            name="parent",
            field=models.ForeignKey(
                null=True,
                on_delete=safemigrations.deletion.DB_CASCADE,
                related_name="children",
                to="constraintops.parent",
                db_index=False,
            ),
        ),
        migrations.AlterField(
            model_name="child",
            name="parent",
            field=models.ForeignKey(
                null=True,
                on_delete=safemigrations.deletion.DB_CASCADE,
                related_name="children",
                to="constraintops.parent",
            ),
        ),
    ]
