from django.db import migrations, models


class Migration(migrations.Migration):
    """A many-to-many goes, then its target; an index, a constraint and a together option."""

    dependencies = [("lintdj", "0006_publisher_code")]
    operations = [
        migrations.RemoveField("book", "tags"),
        migrations.DeleteModel("Tag"),
        migrations.AddIndex("book", models.Index(fields=["title"], name="reach_title_idx")),
        migrations.AddConstraint(
            "place",
            models.CheckConstraint(condition=~models.Q(name=""), name="reach_place_named"),
        ),
        migrations.AlterUniqueTogether("shelfbook", {("shelf", "book")}),
    ]
