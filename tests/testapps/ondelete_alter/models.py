"""Final state of the app's migrations; the tests migrate through the intermediate ones."""

from django.db import models

from safemigrations import DB_SET_NULL


class Parent(models.Model):
    name = models.CharField(max_length=50)


class Item(models.Model):
    # 0001 CASCADE, 0002 DB_CASCADE, 0003 InDatabaseToo(CASCADE), 0004 + null=True,
    # 0006 back to CASCADE.
    parent = models.ForeignKey(Parent, models.CASCADE, null=True)


class Tag(models.Model):
    label = models.CharField(max_length=20)
    # Added in 0005.
    parent = models.ForeignKey(Parent, DB_SET_NULL, null=True)
