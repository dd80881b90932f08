from django.contrib.postgres.operations import ValidateConstraint
from django.db import migrations


class Migration(migrations.Migration):
    """Validated in its own migration, so in its own transaction."""

    dependencies = [("lintdj", "0003_book_pages_check")]
    operations = [ValidateConstraint(model_name="book", name="lintdj_book_pages_gte_0")]
