"""Written in the same makemigrations run as 0001 (no initial flag, as Django 1.7 wrote them):
NOT NULL keys without default on lintdj_book, which fail unless the table is empty."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lintdj", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    operations = [
        migrations.AddField(
            model_name="book",
            name="owner",
            field=models.ForeignKey(on_delete=models.CASCADE, to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name="book",
            name="code",
            field=models.CharField(max_length=20),
        ),
        migrations.AlterUniqueTogether(name="book", unique_together={("owner", "code")}),
        # Shelf receives no required column: it may hold rows, its findings stay.
        migrations.AddField(
            model_name="shelf",
            name="rank",
            field=models.IntegerField(null=True, db_index=True),
        ),
    ]
