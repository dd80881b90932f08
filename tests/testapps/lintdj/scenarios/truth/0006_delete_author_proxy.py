from django.db import migrations


class Migration(migrations.Migration):
    """Deleting a proxy model runs no SQL."""

    dependencies = [("lintdj", "0005_widen_and_rename")]
    operations = [migrations.DeleteModel("AuthorProxy")]
