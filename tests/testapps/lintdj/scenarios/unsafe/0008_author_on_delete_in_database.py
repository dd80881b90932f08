from django.db import migrations

FK = "lintdj_book_author_id_56719f5b_fk_lintdj_author_id"


class Migration(migrations.Migration):
    """The database gets ON DELETE CASCADE by hand; the migration state does not know it."""

    dependencies = [("lintdj", "0007_backfill_without_reverse")]
    operations = [
        migrations.RunSQL(
            f'ALTER TABLE lintdj_book DROP CONSTRAINT "{FK}", ADD CONSTRAINT "{FK}" '
            "FOREIGN KEY (author_id) REFERENCES lintdj_author (id) ON DELETE CASCADE "
            "DEFERRABLE INITIALLY DEFERRED",
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
