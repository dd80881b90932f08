from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    """A concurrent index build in an atomic migration: migrate (and sqlmigrate) raise."""

    dependencies = [("lintdj", "0002_book_author_no_index")]
    operations = [
        AddIndexConcurrently(
            model_name="book", index=models.Index(fields=["title"], name="lintdj_book_title_idx")
        ),
    ]
