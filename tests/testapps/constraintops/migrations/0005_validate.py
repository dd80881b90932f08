from django.db import migrations

import safemigrations.deletion
from safemigrations.operations import AddDBCascadeConstraint, ValidateConstraint


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("constraintops", "0004_not_valid")]

    operations = [
        ValidateConstraint("order", "parent"),
        ValidateConstraint("order", "constraintops_order_amount_gte_0"),
        AddDBCascadeConstraint("order", "parent", on_delete=safemigrations.deletion.DB_CASCADE),
    ]
