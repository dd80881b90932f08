from django.db import migrations


class Migration(migrations.Migration):
    """A referenced model goes, after what references it."""

    dependencies = [("lintdj", "0008_data")]
    operations = [
        migrations.RemoveField("review", "writer"),
        migrations.DeleteModel("Writer"),
        migrations.RemoveField("book", "author"),
        migrations.DeleteModel("Person"),
    ]
