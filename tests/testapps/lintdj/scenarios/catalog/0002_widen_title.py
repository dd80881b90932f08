from django.db import migrations, models


class Migration(migrations.Migration):
    """varchar(200) -> varchar(300): no rewrite, but the CHECK on title is validated again."""

    dependencies = [("lintdj", "0001_initial")]
    operations = [
        migrations.AlterField("book", "title", models.CharField(max_length=300)),
    ]
