"""A later release: a real change on a table that has rows in production."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("lintdj", "0002_auto")]
    operations = [
        migrations.AddField(
            model_name="book",
            name="pages",
            field=models.IntegerField(null=True, db_index=True),
        ),
        # safemigrations: ignore[SM101] a few hundred books: the build takes milliseconds
        migrations.AddIndex(
            model_name="book", index=models.Index(fields=["title"], name="lintdj_book_title_idx")
        ),
    ]
