from django.db import migrations, models
from django.db.models import Q

from tests.testapps.lintdj.scenarios.common import initial_operations


class Migration(migrations.Migration):
    """Author and Book, plus a CHECK constraint reading Book.title."""

    initial = True
    dependencies = []  # type: ignore[var-annotated]
    operations = [
        *initial_operations(),
        migrations.AddConstraint(
            "book", models.CheckConstraint(condition=~Q(title=""), name="book_title_not_blank")
        ),
    ]
