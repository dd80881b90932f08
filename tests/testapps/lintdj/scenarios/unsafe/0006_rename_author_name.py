from django.db import migrations


class Migration(migrations.Migration):
    """A real column rename: old code still selects author.name."""

    dependencies = [("lintdj", "0005_remove_book_pages")]
    operations = [
        migrations.RenameField(model_name="author", old_name="name", new_name="full_name"),
    ]
