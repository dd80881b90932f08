from django.db import migrations

import safemigrations.deletion
from safemigrations.operations import AddDBCascadeConstraint


class Migration(migrations.Migration):
    """Move both keys of the chain to ON DELETE CASCADE in the database, without blocking.

    Each switch adds the new constraint NOT VALID, validates it in its own transaction (reads and
    writes go on), then swaps it in for the old one in a brief transaction. The steps commit one
    by one, hence ``atomic = False``; an interrupted run resumes where it stopped.
    """

    atomic = False

    dependencies = [("chain", "0001_initial")]

    operations = [
        AddDBCascadeConstraint("grandchild", "child", on_delete=safemigrations.deletion.DB_CASCADE),
        AddDBCascadeConstraint("child", "parent", on_delete=safemigrations.deletion.DB_CASCADE),
    ]
