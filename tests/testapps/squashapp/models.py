"""The state after 0007: every safemigrations operation has touched these models.

0001 creates them; 0002 switches ``author`` to ``DB_CASCADE`` and builds a partial index and a
unique constraint concurrently; 0003 seeds authors (a ``RunPython`` whose function reads a file
next to it) and adds two CHECKs ``NOT VALID`` (one is never validated); 0004 validates one, sets
``isbn`` NOT NULL and adds ``editor``; 0005 adds an index with ``RunSQL(state_operations=...)``, a
state-only ``AlterField`` and an elidable ``RunPython``; 0006 indexes ``isbn``, drops
``author``'s implicit index and seeds a tag (another function called ``forwards``); 0007 builds
an index with raw ``CREATE INDEX CONCURRENTLY`` and comments a table (neither can fold).
"""

from django.db import models

from safemigrations.deletion import DB_CASCADE, DB_SET_NULL


class Author(models.Model):
    name = models.CharField(max_length=100)


class Tag(models.Model):
    label = models.CharField(max_length=50)


class Book(models.Model):
    title = models.CharField(max_length=200)
    author = models.ForeignKey(Author, on_delete=DB_CASCADE, db_index=False)
    editor = models.ForeignKey(
        Author, null=True, on_delete=DB_SET_NULL, related_name="+", help_text="Who edited it."
    )
    isbn = models.CharField(max_length=20, db_index=True)
    pages = models.IntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["title"], name="book_title_ix", condition=models.Q(pages__gt=0)),
            models.Index(fields=["pages"], name="book_pages_ix"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["author", "title"], name="book_author_title_uniq"),
            models.CheckConstraint(condition=models.Q(pages__gte=0), name="book_pages_gte_0"),
            models.CheckConstraint(condition=~models.Q(title=""), name="book_title_not_blank"),
        ]
