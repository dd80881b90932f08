from django.db import migrations, models


class Migration(migrations.Migration):
    """Deleting the unmanaged model runs no SQL; the managed one is created in its place."""

    dependencies = [("lintdj", "0007_unmanaged_admin")]
    operations = [
        migrations.DeleteModel("Admin"),
        migrations.CreateModel(
            name="Admin",
            fields=[("id", models.AutoField(primary_key=True))],
        ),
    ]
