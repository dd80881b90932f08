"""State after every migration of the app: each field tells which operation shaped it."""

from django.db import models


class Team(models.Model):
    name = models.CharField(max_length=100)


class Member(models.Model):
    # DropIndexConcurrently(field="team"): the unique constraint below starts with team.
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members", db_index=False)
    code = models.CharField(max_length=20)
    # AddIndexConcurrently(field="email") builds the plain and the _like index.
    email = models.CharField(max_length=200, db_index=True)
    # SetNotNull, then AddUniqueConstraintConcurrently(field="nickname").
    nickname = models.CharField(max_length=50, unique=True)
    score = models.IntegerField(default=0)
    # AddForeignKeyField.
    mentor = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, related_name="mentored")
    # AddForeignKeyField with a OneToOneField.
    buddy = models.OneToOneField(
        Team, on_delete=models.SET_NULL, null=True, related_name="buddy_of"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "code"], name="indexops_member_team_code_uq")
        ]
        indexes = [
            models.Index(
                fields=["score"], name="indexops_member_pos_score", condition=models.Q(score__gt=0)
            )
        ]
