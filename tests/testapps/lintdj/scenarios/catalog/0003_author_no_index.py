from django.db import migrations, models


class Migration(migrations.Migration):
    """db_index=False on the ForeignKey: the foreign key loses its only index."""

    dependencies = [("lintdj", "0002_widen_title")]
    operations = [
        migrations.AlterField(
            model_name="book",
            name="author",
            field=models.ForeignKey(db_index=False, on_delete=models.CASCADE, to="lintdj.author"),
        ),
    ]
