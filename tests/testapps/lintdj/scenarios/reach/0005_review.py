import django.db.models.deletion
from django.db import migrations, models

CASCADE = django.db.models.deletion.CASCADE


class Migration(migrations.Migration):
    """A new model points at an inheriting model, a proxy and a ``to_field``."""

    dependencies = [("lintdj", "0004_book_table")]
    operations = [
        migrations.CreateModel(
            "Review",
            [
                ("id", models.BigAutoField(primary_key=True)),
                ("restaurant", models.ForeignKey("lintdj.restaurant", CASCADE)),
                ("writer", models.ForeignKey("lintdj.writer", CASCADE)),
                ("publisher", models.ForeignKey("lintdj.publisher", CASCADE, to_field="code")),
            ],
        ),
        migrations.AddField(
            "review", "shelves", models.ManyToManyField("lintdj.shelf", related_name="reviews")
        ),
    ]
