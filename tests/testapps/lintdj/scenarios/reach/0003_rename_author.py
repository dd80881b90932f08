from django.db import migrations


class Migration(migrations.Migration):
    """A model referenced by others is renamed."""

    dependencies = [("lintdj", "0002_author_bigint")]
    operations = [migrations.RenameModel("Author", "Person")]
