from django.db import migrations, models

import safemigrations.deletion


class Migration(migrations.Migration):
    dependencies = [("ondelete_alter", "0004_nullable")]

    operations = [
        migrations.AddField(
            model_name="tag",
            name="parent",
            field=models.ForeignKey(
                null=True, on_delete=safemigrations.deletion.DB_SET_NULL, to="ondelete_alter.parent"
            ),
        ),
    ]
