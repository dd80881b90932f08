"""One child model per database-level on_delete value, all pointing at ``Parent``."""

from django.db import models

from safemigrations import DB_CASCADE, DB_RESTRICT, DB_SET_DEFAULT, DB_SET_NULL, InDatabaseToo

#: ``DefaultChild.parent`` falls back to this parent (tests create it).
FALLBACK_PARENT_ID = 0


class Parent(models.Model):
    name = models.CharField(max_length=50)


class Child(models.Model):
    parent = models.ForeignKey(Parent, DB_CASCADE, related_name="children")
    payload = models.JSONField(default=dict)


class GrandChild(models.Model):
    child = models.ForeignKey(Child, DB_CASCADE, related_name="grandchildren")


class NullChild(models.Model):
    parent = models.ForeignKey(Parent, DB_SET_NULL, null=True, related_name="null_children")


class DefaultChild(models.Model):
    parent = models.ForeignKey(
        Parent, DB_SET_DEFAULT, db_default=FALLBACK_PARENT_ID, related_name="default_children"
    )


class RestrictChild(models.Model):
    parent = models.ForeignKey(Parent, DB_RESTRICT, related_name="restrict_children")


class MirrorChild(models.Model):
    """Python CASCADE (signals fire) and ON DELETE CASCADE in the database."""

    parent = models.ForeignKey(
        Parent, InDatabaseToo(models.CASCADE), related_name="mirror_children"
    )
    note = models.CharField(max_length=20, default="")


class PythonChild(models.Model):
    parent = models.ForeignKey(Parent, models.CASCADE, related_name="python_children")
