from django.db import migrations

import safemigrations.deletion
from safemigrations.operations import AddDBCascadeConstraint


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("faults", "0001_initial")]

    operations = [
        AddDBCascadeConstraint("entry", "parent", on_delete=safemigrations.deletion.DB_CASCADE),
    ]
