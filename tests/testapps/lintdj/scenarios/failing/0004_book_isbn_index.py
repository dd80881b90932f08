from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("lintdj", "0003_book_isbn")]
    operations = [
        migrations.AddIndex("book", models.Index(fields=["isbn"], name="lintdj_book_isbn_idx")),
    ]
