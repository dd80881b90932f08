from django.db import migrations


class Migration(migrations.Migration):
    """CREATE INDEX CONCURRENTLY waits for older transactions: it runs without lock_timeout."""

    atomic = False
    dependencies = [("lockwaits", "0003_runsql_non_atomic")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX CONCURRENTLY lockwaits_item_name_idx ON lockwaits_item (name)",
            "DROP INDEX CONCURRENTLY IF EXISTS lockwaits_item_name_idx",
        ),
    ]
