from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    raise ValueError("the back-fill found a book without an author\nbook id 7, title 'Emma'")


class Migration(migrations.Migration):
    dependencies = [("lintdj", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
