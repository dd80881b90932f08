from django.db import migrations, models


class Migration(migrations.Migration):
    """db_index=True -> False on a ForeignKey: sqlmigrate prints (no-op) on an empty database."""

    dependencies = [("lintdj", "0001_initial")]
    operations = [
        migrations.AlterField(
            model_name="book",
            name="author",
            field=models.ForeignKey(db_index=False, on_delete=models.CASCADE, to="lintdj.author"),
        ),
    ]
