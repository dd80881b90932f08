from django.db import migrations, models

from safemigrations.operations import AddIndexConcurrently, DropIndexConcurrently


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("indexops", "0002_unique_constraint")]

    operations = [
        DropIndexConcurrently("member", field="team"),
        AddIndexConcurrently("member", field="email"),
        AddIndexConcurrently(
            "member",
            models.Index(
                fields=["score"], name="indexops_member_pos_score", condition=models.Q(score__gt=0)
            ),
        ),
    ]
