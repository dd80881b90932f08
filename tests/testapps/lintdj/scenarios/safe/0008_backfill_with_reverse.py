from django.db import migrations


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    apps.get_model("lintdj", "Book").objects.filter(pages__isnull=True).update(pages=0)


class Migration(migrations.Migration):
    dependencies = [("lintdj", "0007_rename_author_name_in_code")]
    operations = [
        migrations.RunSQL(
            "UPDATE lintdj_book SET pages = 0 WHERE pages IS NULL",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.RunPython(forwards, reverse_code=migrations.RunPython.noop),
    ]
