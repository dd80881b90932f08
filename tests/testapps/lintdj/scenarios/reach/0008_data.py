from django.db import migrations


def name_places(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("lintdj", "Restaurant").objects.filter(name="").update(name="?")


class Migration(migrations.Migration):
    """Code that may use any model: applied on the whole project state."""

    dependencies = [("lintdj", "0007_drop_tags")]
    operations = [
        migrations.RunPython(name_places, migrations.RunPython.noop),
        migrations.RunSQL("UPDATE lintdj_place SET name = 'x' WHERE name = ''"),
    ]
