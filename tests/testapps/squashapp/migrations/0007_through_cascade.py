from django.db import migrations

from safemigrations.deletion import DB_CASCADE
from safemigrations.operations import AddDBCascadeConstraint


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("squashapp", "0006_isbn_index")]

    operations = [
        AddDBCascadeConstraint("book", "tags", on_delete=DB_CASCADE, m2m_side="from"),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "COMMENT ON TABLE squashapp_tag IS 'tags'",
                    "COMMENT ON TABLE squashapp_tag IS NULL",
                )
            ]
        ),
    ]
