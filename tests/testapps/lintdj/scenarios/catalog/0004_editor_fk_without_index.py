from django.db import migrations, models


class Migration(migrations.Migration):
    """A new ForeignKey column with db_index=False, and one with Django's default index."""

    dependencies = [("lintdj", "0003_author_no_index")]
    operations = [
        migrations.AddField(
            "book",
            "editor",
            models.ForeignKey(
                "lintdj.author", models.SET_NULL, null=True, db_index=False, related_name="+"
            ),
        ),
        migrations.AddField(
            "book",
            "reviewer",
            models.ForeignKey("lintdj.author", models.SET_NULL, null=True, related_name="+"),
        ),
    ]
