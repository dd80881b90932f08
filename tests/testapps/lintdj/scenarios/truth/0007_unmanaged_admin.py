from django.db import migrations, models


class Migration(migrations.Migration):
    """An unmanaged model: Django creates no table for it."""

    dependencies = [("lintdj", "0006_delete_author_proxy")]
    operations = [
        migrations.CreateModel(
            name="Admin",
            fields=[("id", models.AutoField(primary_key=True))],
            options={"managed": False},
        ),
    ]
