from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("lintdj", "0001_initial")]
    operations = [
        # safemigrations: ignore[SM101] book has a few hundred rows, the build takes milliseconds
        migrations.AddIndex(
            model_name="book", index=models.Index(fields=["title"], name="lintdj_book_title_idx")
        ),
        migrations.AddIndex(
            model_name="book",
            index=models.Index(fields=["pages"], name="lintdj_book_pages_idx"),
        ),  # safemigrations: ignore[SM101]
        migrations.AddField(
            model_name="book",
            name="isbn",
            field=models.CharField(max_length=13, null=True),
        ),  # safemigrations: ignore[add-unique-constraint] isbn was unique in an earlier draft
    ]
