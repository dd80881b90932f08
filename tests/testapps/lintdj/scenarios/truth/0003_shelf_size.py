from django.db import migrations, models


class Migration(migrations.Migration):
    """Replaced by 0002_shelf_squashed_0003_shelf_size."""

    dependencies = [("lintdj", "0002_shelf")]
    operations = [
        migrations.AlterField("shelf", "size", models.BigIntegerField(default=0)),
        migrations.AddIndex("shelf", models.Index(fields=["size"], name="shelf_size_idx")),
        migrations.AddField(
            "book",
            "shelf",
            models.ForeignKey(null=True, on_delete=models.SET_NULL, to="lintdj.shelf"),
        ),
    ]
