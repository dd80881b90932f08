import django.db.models.deletion
from django.db import migrations, models

from safemigrations.operations import AddForeignKeyField, SetNotNull


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("indexops", "0003_indexes")]

    operations = [
        SetNotNull("member", "nickname"),
        AddForeignKeyField(
            "member",
            "mentor",
            models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="mentored",
                to="indexops.team",
            ),
        ),
    ]
