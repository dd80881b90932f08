from django.db import migrations


class Migration(migrations.Migration):
    """A model renamed with its table: the running code still queries lintdj_author."""

    dependencies = [("lintdj", "0002_delete_book")]
    operations = [migrations.RenameModel("Author", "Writer")]
