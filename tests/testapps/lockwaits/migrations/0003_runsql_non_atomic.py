from django.db import migrations


class Migration(migrations.Migration):
    """Non-atomic: each statement autocommits, and a lock timeout retries that statement alone."""

    atomic = False
    dependencies = [("lockwaits", "0002_item_extra")]

    operations = [
        migrations.RunSQL(
            "INSERT INTO lockwaits_seen VALUES ('0003', current_setting('lock_timeout'))",
            "DELETE FROM lockwaits_seen WHERE step = '0003'",
        ),
        migrations.RunSQL(
            "ALTER TABLE lockwaits_item ADD COLUMN flag boolean NULL",
            "ALTER TABLE lockwaits_item DROP COLUMN flag",
        ),
    ]
