from django.db import migrations


class Migration(migrations.Migration):
    """Drops a column that models.py still has (Book.pages)."""

    dependencies = [("lintdj", "0004_book_pages_check")]
    operations = [
        migrations.RemoveConstraint(model_name="book", name="lintdj_book_pages_gte_0"),
        migrations.RemoveField(model_name="book", name="pages"),
    ]
