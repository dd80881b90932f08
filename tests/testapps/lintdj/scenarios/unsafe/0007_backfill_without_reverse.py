from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("lintdj", "Book").objects.filter(legacy__isnull=True).update(legacy="")


class Migration(migrations.Migration):
    """RunSQL and RunPython with no way back."""

    dependencies = [("lintdj", "0006_rename_author_name")]
    operations = [
        migrations.RunSQL("UPDATE lintdj_book SET title = trim(title)"),
        migrations.RunPython(forwards),
    ]
