from django.contrib.postgres.operations import AddConstraintNotValid
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("lintdj", "0002_book_title_index")]
    operations = [
        AddConstraintNotValid(
            model_name="book",
            constraint=models.CheckConstraint(
                condition=models.Q(pages__gte=0), name="lintdj_book_pages_gte_0"
            ),
        ),
    ]
