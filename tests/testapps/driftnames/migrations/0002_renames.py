"""Renames that leave the old index and constraint names in the database (Django renames the
table and the columns, not the objects named after them), and two constraint names longer than
63 bytes, which PostgreSQL truncates."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("driftnames", "0001_initial")]

    operations = [
        migrations.AlterModelTable(name="country", table="driftnames_nation"),
        migrations.RenameModel(old_name="OldNotice", new_name="Notice"),
        migrations.RenameField(model_name="notice", old_name="count", new_name="total"),
        migrations.RenameField(model_name="notice", old_name="sent", new_name="sent_at"),
        migrations.AddConstraint(
            model_name="notice",
            constraint=models.UniqueConstraint(
                fields=["total", "sent_at", "label"],
                name="driftnames_notice_total_sent_at_label_unique_4bb97a8e_uniq_toolo",
            ),
        ),
        migrations.AddConstraint(
            model_name="notice",
            constraint=models.UniqueConstraint(
                fields=["total", "country"], name="driftnames_x" + "é" * 30
            ),
        ),
    ]
