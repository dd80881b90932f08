from django.db import migrations, models


class Migration(migrations.Migration):
    """A squash: runs only where none of the migrations it replaces ran. Shelf is its own new
    table (fresh); Book existed before it (reported)."""

    replaces = [("lintdj", "0002_shelf"), ("lintdj", "0003_shelf_size")]
    dependencies = [("lintdj", "0001_initial")]
    operations = [
        migrations.CreateModel(
            name="Shelf",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("size", models.IntegerField(default=0)),
            ],
        ),
        migrations.AlterField("shelf", "size", models.BigIntegerField(default=0)),
        migrations.AddIndex("shelf", models.Index(fields=["size"], name="shelf_size_idx")),
        migrations.AddField(
            "book",
            "shelf",
            models.ForeignKey(null=True, on_delete=models.SET_NULL, to="lintdj.shelf"),
        ),
    ]
