from django.db import migrations

from safemigrations.operations import DropIndexConcurrently


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("faults", "0002_entry_parent_db_cascade")]

    operations = [DropIndexConcurrently("entry", field="code")]
