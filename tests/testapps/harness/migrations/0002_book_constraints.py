from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("harness", "0001_initial")]

    operations = [
        migrations.AddIndex(
            model_name="book",
            index=models.Index(fields=["title"], name="harness_book_title_idx"),
        ),
        migrations.AddConstraint(
            model_name="book",
            constraint=models.CheckConstraint(
                condition=~models.Q(title=""), name="harness_book_title_nonempty"
            ),
        ),
    ]
