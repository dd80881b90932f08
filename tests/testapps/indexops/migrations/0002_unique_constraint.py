"""unique_together → a named UniqueConstraint, created before the old one is dropped."""

from django.db import migrations, models

from safemigrations.operations import AddUniqueConstraintConcurrently, DropIndexConcurrently


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("indexops", "0001_initial")]

    operations = [
        AddUniqueConstraintConcurrently(
            "member",
            models.UniqueConstraint(fields=["team", "code"], name="indexops_member_team_code_uq"),
        ),
        DropIndexConcurrently("member", fields=["team", "code"]),
    ]
