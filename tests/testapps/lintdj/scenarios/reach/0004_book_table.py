from django.db import migrations


class Migration(migrations.Migration):
    """A table with an auto-created many-to-many table is renamed."""

    dependencies = [("lintdj", "0003_rename_author")]
    operations = [migrations.AlterModelTable("book", "lintdj_volume")]
