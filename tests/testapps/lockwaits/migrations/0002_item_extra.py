from django.db import migrations, models


class Migration(migrations.Migration):
    """Atomic: a lock timeout rolls it back and the whole migration runs again."""

    dependencies = [("lockwaits", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE TABLE lockwaits_seen (step text, lock_timeout text)",
            "DROP TABLE lockwaits_seen",
        ),
        migrations.RunSQL(
            "INSERT INTO lockwaits_seen VALUES ('0002', current_setting('lock_timeout'))",
            migrations.RunSQL.noop,
        ),
        migrations.AddField(model_name="item", name="extra", field=models.IntegerField(null=True)),
    ]
