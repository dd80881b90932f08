from django.db import migrations


class Migration(migrations.Migration):
    """Expand/contract, first deploy: the code and the state forget the column; it stays."""

    dependencies = [("lintdj", "0004_validate_book_pages_check")]
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.RemoveField(model_name="book", name="legacy")]
        ),
    ]
