"""A small library: every table freshly migrated is drift-free; tests break it with raw SQL."""

from django.db import models

from safemigrations.deletion import InDatabaseToo


class Author(models.Model):
    name = models.CharField(max_length=50)


class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.PROTECT)
    editor = models.ForeignKey(
        Author, on_delete=InDatabaseToo(models.SET_NULL), null=True, related_name="+"
    )
    title = models.CharField(max_length=100)
    pages = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["title"], name="drift_book_title_ix")]


class Chapter(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE)
    number = models.IntegerField()


class Review(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE)
    reviewer = models.CharField(max_length=50)


class Tag(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE)
    label = models.CharField(max_length=20)
