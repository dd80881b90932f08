from django.db import migrations, models

from tests.testapps.lintdj.scenarios.common import initial_operations


class Migration(migrations.Migration):
    initial = True
    replaces = [("lintdj", "0001_initial"), ("lintdj", "0002_book_isbn")]
    dependencies = []  # type: ignore[var-annotated]
    operations = [
        *initial_operations(),
        migrations.AddField("book", "isbn", models.CharField(max_length=13, null=True)),
    ]
