from django.db import migrations, models
from django.db.models import Q

from safemigrations.operations import AddConstraintNotValid


class Migration(migrations.Migration):
    """The safe way: drop the CHECK, widen, add the CHECK back NOT VALID."""

    dependencies = [("lintdj", "0004_editor_fk_without_index")]
    operations = [
        migrations.RemoveConstraint("book", "book_title_not_blank"),
        migrations.AlterField("book", "title", models.CharField(max_length=400)),
        AddConstraintNotValid(
            "book", models.CheckConstraint(condition=~Q(title=""), name="book_title_not_blank")
        ),
    ]
