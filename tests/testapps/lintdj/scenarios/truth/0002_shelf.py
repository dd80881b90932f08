from django.db import migrations, models


class Migration(migrations.Migration):
    """Replaced by 0002_shelf_squashed_0003_shelf_size (kept, as projects keep them for a while)."""

    dependencies = [("lintdj", "0001_initial")]
    operations = [
        migrations.CreateModel(
            name="Shelf",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("size", models.IntegerField(default=0)),
            ],
        ),
    ]
