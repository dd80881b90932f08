from django.db import migrations, models

from safemigrations.deletion import DB_CASCADE
from safemigrations.operations import (
    AddDBCascadeConstraint,
    AddIndexConcurrently,
    AddUniqueConstraintConcurrently,
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("squashapp", "0001_initial")]

    operations = [
        AddDBCascadeConstraint("book", "author", on_delete=DB_CASCADE),
        AddIndexConcurrently(
            "book",
            models.Index(fields=["title"], name="book_title_ix", condition=models.Q(pages__gt=0)),
        ),
        AddUniqueConstraintConcurrently(
            "book",
            models.UniqueConstraint(fields=["author", "title"], name="book_author_title_uniq"),
        ),
    ]
