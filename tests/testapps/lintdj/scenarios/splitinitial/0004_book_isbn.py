"""Hand-written after a real change: a NOT NULL column without default proves nothing here."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("lintdj", "0003_book_pages")]
    operations = [
        migrations.AddField(
            model_name="book",
            name="isbn",
            field=models.CharField(max_length=13, db_index=True),
        ),
    ]
