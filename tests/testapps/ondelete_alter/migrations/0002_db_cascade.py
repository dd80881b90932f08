from django.db import migrations, models

import safemigrations.deletion


class Migration(migrations.Migration):
    dependencies = [("ondelete_alter", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="item",
            name="parent",
            field=models.ForeignKey(
                on_delete=safemigrations.deletion.DB_CASCADE, to="ondelete_alter.parent"
            ),
        ),
    ]
