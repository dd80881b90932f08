from django.db import migrations, models


class Migration(migrations.Migration):
    """A key's type changes: the foreign keys that point at it change with it."""

    dependencies = [("lintdj", "0001_initial")]
    operations = [migrations.AlterField("author", "id", models.BigAutoField(primary_key=True))]
