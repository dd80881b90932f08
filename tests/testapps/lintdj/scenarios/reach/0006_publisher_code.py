from django.db import migrations, models


class Migration(migrations.Migration):
    """A field other models reference by ``to_field`` is renamed, then widened (the referencing
    columns are widened with it)."""

    dependencies = [("lintdj", "0005_review")]
    operations = [
        migrations.RenameField("publisher", "code", "slug"),
        migrations.AlterField("publisher", "slug", models.CharField(max_length=40, unique=True)),
    ]
