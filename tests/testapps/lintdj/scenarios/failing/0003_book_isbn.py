from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("lintdj", "0002_broken_backfill")]
    operations = [migrations.AddField("book", "isbn", models.CharField(max_length=13, null=True))]
