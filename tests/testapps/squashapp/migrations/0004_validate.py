from django.db import migrations, models

from safemigrations.deletion import DB_SET_NULL
from safemigrations.operations import AddForeignKeyField, SetNotNull, ValidateConstraint


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("squashapp", "0003_checks_not_valid")]

    operations = [
        ValidateConstraint("book", "book_pages_gte_0"),
        SetNotNull("book", "isbn"),
        AddForeignKeyField(
            "book",
            "editor",
            models.ForeignKey(
                null=True,
                on_delete=DB_SET_NULL,
                related_name="+",
                to="squashapp.author",
            ),
        ),
    ]
