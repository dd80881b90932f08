from django.db import migrations

from safemigrations.operations import ValidateConstraint


class Migration(migrations.Migration):
    """VALIDATE CONSTRAINT takes SHARE UPDATE EXCLUSIVE: the scan blocks no reads or writes."""

    dependencies = [("chain", "0003_grandchild_note_trimmed_not_valid")]

    operations = [
        ValidateConstraint("grandchild", "chain_grandchild_note_trimmed"),
    ]
