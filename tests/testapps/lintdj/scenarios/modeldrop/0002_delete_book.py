from django.db import migrations


class Migration(migrations.Migration):
    """The table of a model models.py still has is dropped: old and new code query it."""

    dependencies = [("lintdj", "0001_initial")]
    operations = [migrations.DeleteModel("Book")]
