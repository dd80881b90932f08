import django.db.models.deletion
from django.db import migrations, models

from safemigrations.operations import AddForeignKeyField, AddUniqueConstraintConcurrently


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("indexops", "0004_columns")]

    operations = [
        AddForeignKeyField(
            "member",
            "buddy",
            models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="buddy_of",
                to="indexops.team",
            ),
        ),
        AddUniqueConstraintConcurrently("member", field="nickname"),
    ]
