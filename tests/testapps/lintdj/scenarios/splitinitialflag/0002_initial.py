"""Written with 0001 in one makemigrations run, which marks both initial = True."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = [("lintdj", "0001_initial")]
    operations = [
        migrations.AddField(
            model_name="shelf",
            name="rank",
            field=models.IntegerField(null=True, db_index=True),
        ),
        migrations.AddField(
            model_name="book",
            name="shelf",
            field=models.ForeignKey(null=True, on_delete=models.CASCADE, to="lintdj.shelf"),
        ),
    ]
