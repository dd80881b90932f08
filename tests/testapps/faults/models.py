"""State after 0005: each of 0002-0005 holds one safe operation, so a test can stop it."""

from django.db import models

from safemigrations.deletion import DB_CASCADE


class Parent(models.Model):
    name = models.CharField(max_length=50)


class Entry(models.Model):
    parent = models.ForeignKey(Parent, on_delete=DB_CASCADE, related_name="entries")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=50, db_index=True)
    note = models.IntegerField()
