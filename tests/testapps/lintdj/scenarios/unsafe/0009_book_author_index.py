from django.db import migrations, models


class Migration(migrations.Migration):
    """db_index back on: Django re-creates the foreign key from the state, without the CASCADE."""

    dependencies = [("lintdj", "0008_author_on_delete_in_database")]
    operations = [
        migrations.AlterField(
            model_name="book",
            name="author",
            field=models.ForeignKey(on_delete=models.CASCADE, to="lintdj.author"),
        ),
    ]
