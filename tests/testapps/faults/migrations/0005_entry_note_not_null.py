from django.db import migrations

from safemigrations.operations import SetNotNull


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("faults", "0004_add_entry_name_index")]

    operations = [SetNotNull("entry", "note")]
