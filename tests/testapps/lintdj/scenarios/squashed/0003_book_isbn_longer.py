from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("lintdj", "0002_book_isbn")]
    operations = [migrations.AlterField("book", "isbn", models.CharField(max_length=17, null=True))]
