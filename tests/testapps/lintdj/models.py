"""The deployed code the scenarios are linted against (expand/contract checks read it)."""

from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)


class Book(models.Model):
    title = models.CharField(max_length=200)
    author = models.ForeignKey(Author, on_delete=models.CASCADE, db_index=False)
    pages = models.IntegerField(null=True)


class AuthorProxy(Author):
    """A proxy: deleting it from the migration state runs no SQL."""

    class Meta:
        proxy = True


class Admin(models.Model):
    """Managed now; unmanaged in an earlier migration of the ``truth`` scenario."""
