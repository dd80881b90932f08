from django.db import migrations

from tests.testapps.lintdj.scenarios.common import initial_operations


class Migration(migrations.Migration):
    initial = True
    dependencies = []  # type: ignore[var-annotated]
    operations = initial_operations()
