from django.db import migrations

from safemigrations.operations import AddIndexConcurrently, DropIndexConcurrently


def forwards(apps, schema_editor):
    """Same name as 0003's: the squash must keep both."""
    apps.get_model("squashapp", "Tag").objects.create(label="classic")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("squashapp", "0005_splits")]

    operations = [
        AddIndexConcurrently("book", field="isbn"),
        DropIndexConcurrently("book", field="author"),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
