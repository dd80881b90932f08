from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("lintdj", "Author").objects.create(name="house")


class Migration(migrations.Migration):
    dependencies = [("lintdj", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
