"""Current state; each model's docstring says what the makemigrations tests start from."""

from django.db import models

from safemigrations import DB_CASCADE, DB_SET_NULL, InDatabaseToo


class Parent(models.Model):
    name = models.CharField(max_length=50)


class ToDb(models.Model):
    """Was models.CASCADE."""

    parent = models.ForeignKey(Parent, DB_CASCADE)


class ToPython(models.Model):
    """Was DB_CASCADE."""

    parent = models.ForeignKey(Parent, models.CASCADE)


class ToMirror(models.Model):
    """Was models.CASCADE."""

    parent = models.ForeignKey(Parent, InDatabaseToo(models.CASCADE))


class NullSwitch(models.Model):
    """Was models.CASCADE without null=True."""

    parent = models.ForeignKey(Parent, DB_SET_NULL, null=True)


class SameAction(models.Model):
    """Was DB_CASCADE: the constraint already has ON DELETE CASCADE."""

    parent = models.ForeignKey(Parent, InDatabaseToo(models.CASCADE))


class PythonOnly(models.Model):
    """Was models.CASCADE: a Python-to-Python change, no database work."""

    parent = models.ForeignKey(Parent, models.PROTECT)
