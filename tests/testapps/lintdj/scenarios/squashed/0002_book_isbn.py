from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("lintdj", "0001_initial")]
    operations = [migrations.AddField("book", "isbn", models.CharField(max_length=13, null=True))]
