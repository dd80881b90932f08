from django.db import migrations


class Migration(migrations.Migration):
    """Second deploy: no code uses the column any more; drop it."""

    dependencies = [("lintdj", "0005_forget_book_legacy")]
    operations = [
        migrations.RunSQL(
            'ALTER TABLE "lintdj_book" DROP COLUMN "legacy"',
            reverse_sql='ALTER TABLE "lintdj_book" ADD COLUMN "legacy" varchar(50) NULL',
        ),
    ]
