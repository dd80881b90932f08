from django.db import migrations, models


class Migration(migrations.Migration):
    """Rename in Python only: db_column keeps the database name, so no SQL runs."""

    dependencies = [("lintdj", "0006_drop_book_legacy")]
    operations = [
        migrations.AlterField(
            model_name="author",
            name="name",
            field=models.CharField(max_length=100, db_column="name"),
        ),
        migrations.RenameField(model_name="author", old_name="name", new_name="full_name"),
    ]
