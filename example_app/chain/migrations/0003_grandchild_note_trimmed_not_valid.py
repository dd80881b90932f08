from django.db import migrations, models

from safemigrations.operations import AddConstraintNotValid


class Migration(migrations.Migration):
    """New rows are checked at once; the existing ones in 0004, without blocking writes."""

    dependencies = [("chain", "0002_db_cascade")]

    operations = [
        AddConstraintNotValid(
            "grandchild",
            models.CheckConstraint(
                condition=~models.Q(note__startswith=" "), name="chain_grandchild_note_trimmed"
            ),
        ),
    ]
