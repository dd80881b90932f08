from django.db import migrations, models


class Migration(migrations.Migration):
    """The catalog is read before the first statement (after 0004's expression index); then a
    foreign key column is renamed and another foreign key is added on its new name."""

    dependencies = [("lintdj", "0004_author_lower_name_uniq")]
    operations = [
        migrations.AlterField("author", "name", models.CharField(max_length=200)),
        migrations.RenameField("book", "author", "writer"),
        migrations.RenameField("book", "title", "heading"),
        migrations.RunSQL(
            'ALTER TABLE "lintdj_book" ADD CONSTRAINT "book_writer_again_fk" FOREIGN KEY '
            '("writer_id") REFERENCES "lintdj_author" ("id") NOT VALID',
            'ALTER TABLE "lintdj_book" DROP CONSTRAINT "book_writer_again_fk"',
        ),
        migrations.RunSQL(
            'ALTER SEQUENCE "lintdj_shelf_id_seq" RENAME TO "lintdj_rack_id_seq"',
            'ALTER SEQUENCE "lintdj_rack_id_seq" RENAME TO "lintdj_shelf_id_seq"',
        ),
    ]
