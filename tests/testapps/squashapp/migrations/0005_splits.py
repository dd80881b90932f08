from django.db import migrations, models

from safemigrations.deletion import DB_SET_NULL


def nothing(apps, schema_editor):
    """An elidable step a squash may drop."""


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("squashapp", "0004_validate")]

    operations = [
        migrations.RunSQL(
            'CREATE INDEX CONCURRENTLY IF NOT EXISTS "book_pages_ix" ON "squashapp_book" ("pages")',
            'DROP INDEX CONCURRENTLY IF EXISTS "book_pages_ix"',
            state_operations=[
                migrations.AddIndex("book", models.Index(fields=["pages"], name="book_pages_ix"))
            ],
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    "book",
                    "editor",
                    models.ForeignKey(
                        null=True,
                        on_delete=DB_SET_NULL,
                        related_name="+",
                        to="squashapp.author",
                        help_text="Who edited it.",
                    ),
                )
            ]
        ),
        migrations.RunPython(nothing, migrations.RunPython.noop, elidable=True),
    ]
