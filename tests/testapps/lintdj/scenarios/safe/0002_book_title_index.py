from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("lintdj", "0001_initial")]
    operations = [
        AddIndexConcurrently(
            model_name="book", index=models.Index(fields=["title"], name="lintdj_book_title_idx")
        ),
    ]
