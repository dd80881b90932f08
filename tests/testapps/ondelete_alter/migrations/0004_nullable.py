import django.db.models.deletion
from django.db import migrations, models

import safemigrations.deletion


class Migration(migrations.Migration):
    dependencies = [("ondelete_alter", "0003_in_database_too")]

    operations = [
        migrations.AlterField(
            model_name="item",
            name="parent",
            field=models.ForeignKey(
                null=True,
                on_delete=safemigrations.deletion.InDatabaseToo(django.db.models.deletion.CASCADE),
                to="ondelete_alter.parent",
            ),
        ),
    ]
