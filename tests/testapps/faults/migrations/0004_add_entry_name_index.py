from django.db import migrations

from safemigrations.operations import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("faults", "0003_drop_entry_code_index")]

    operations = [AddIndexConcurrently("entry", field="name")]
