from django.contrib.postgres.operations import AddConstraintNotValid, ValidateConstraint
from django.db import migrations, models


class Migration(migrations.Migration):
    """NOT VALID then VALIDATE in one transaction: the ADD's lock covers the whole scan."""

    dependencies = [("lintdj", "0003_book_title_index")]
    operations = [
        AddConstraintNotValid(
            model_name="book",
            constraint=models.CheckConstraint(
                condition=models.Q(pages__gte=0), name="lintdj_book_pages_gte_0"
            ),
        ),
        ValidateConstraint(model_name="book", name="lintdj_book_pages_gte_0"),
    ]
