from django.db import migrations, models
from django.db.models.functions import Lower


class Migration(migrations.Migration):
    """A partial unique index whose first key is an expression."""

    dependencies = [("lintdj", "0002_shelf_squashed_0003_shelf_size")]
    operations = [
        migrations.AddConstraint(
            "author",
            models.UniqueConstraint(
                Lower("name"),
                "id",
                condition=models.Q(name__startswith="a"),
                name="author_lower_name_uniq",
            ),
        ),
    ]
