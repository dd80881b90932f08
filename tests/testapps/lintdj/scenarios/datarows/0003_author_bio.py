from django.db import migrations, models


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Needs the row 0002 created: a schema built from the migration state has no rows.
    author = apps.get_model("lintdj", "Author").objects.get(name="house")
    author.bio = "the default author"
    author.save()


class Migration(migrations.Migration):
    dependencies = [("lintdj", "0002_default_author")]
    operations = [
        migrations.AddField("author", "bio", models.TextField(null=True)),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
