import django.db.models.deletion
from django.db import migrations, models

import safemigrations.deletion


class Migration(migrations.Migration):
    dependencies = [("ondelete_alter", "0002_db_cascade")]

    operations = [
        migrations.AlterField(
            model_name="item",
            name="parent",
            field=models.ForeignKey(
                on_delete=safemigrations.deletion.InDatabaseToo(django.db.models.deletion.CASCADE),
                to="ondelete_alter.parent",
            ),
        ),
    ]
