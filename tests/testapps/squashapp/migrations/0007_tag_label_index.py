from django.db import migrations


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("squashapp", "0006_isbn_index")]

    operations = [
        # Raw SQL that cannot run in a transaction, with no state side: it stays as it is.
        migrations.RunSQL(
            'CREATE INDEX CONCURRENTLY IF NOT EXISTS "tag_label_ix" ON "squashapp_tag" ("label")',
            'DROP INDEX CONCURRENTLY IF EXISTS "tag_label_ix"',
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "COMMENT ON TABLE squashapp_tag IS 'tags'",
                    "COMMENT ON TABLE squashapp_tag IS NULL",
                )
            ]
        ),
    ]
