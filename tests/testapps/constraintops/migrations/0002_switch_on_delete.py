from django.db import migrations, models

import safemigrations.deletion
from safemigrations.operations import AddDBCascadeConstraint


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("constraintops", "0001_initial")]

    operations = [
        AddDBCascadeConstraint("child", "parent", on_delete=safemigrations.deletion.DB_CASCADE),
        AddDBCascadeConstraint(
            "audited", "parent", on_delete=safemigrations.deletion.InDatabaseToo(models.CASCADE)
        ),
        AddDBCascadeConstraint("node", "parent", on_delete=safemigrations.deletion.DB_SET_NULL),
        AddDBCascadeConstraint("weird", "coded", on_delete=safemigrations.deletion.DB_CASCADE),
        AddDBCascadeConstraint("profile", "parent", on_delete=safemigrations.deletion.DB_CASCADE),
        AddDBCascadeConstraint(
            "article", "tags", on_delete=safemigrations.deletion.DB_CASCADE, m2m_side="from"
        ),
        AddDBCascadeConstraint(
            "article", "tags", on_delete=safemigrations.deletion.DB_CASCADE, m2m_side="to"
        ),
    ]
