from django.db import migrations


class Migration(migrations.Migration):
    safemigrations_ignore = {
        "SM905": "Book.pages is read by nothing since release 2.3; models.py keeps it for admin",
        "SM962": "",
    }
    dependencies = [("lintdj", "0002_book_title_index")]
    operations = [
        migrations.RemoveField(model_name="book", name="pages"),
    ]
