from pathlib import Path

from django.db import migrations, models

from safemigrations.operations import AddConstraintNotValid

SEED = Path(__file__).with_name("seed_authors.txt")
EXTRA = ("Edsger Dijkstra",)


def _names():
    return [line.strip() for line in SEED.read_text().splitlines() if line.strip()] + list(EXTRA)


def forwards(apps, schema_editor):
    Author = apps.get_model("squashapp", "Author")
    Author.objects.bulk_create(Author(name=name) for name in _names())


def backwards(apps, schema_editor):
    apps.get_model("squashapp", "Author").objects.filter(name__in=_names()).delete()


class Migration(migrations.Migration):
    dependencies = [("squashapp", "0002_concurrent")]

    operations = [
        migrations.RunPython(forwards, backwards),
        AddConstraintNotValid(
            "book",
            models.CheckConstraint(condition=models.Q(pages__gte=0), name="book_pages_gte_0"),
        ),
        AddConstraintNotValid(
            "book",
            models.CheckConstraint(condition=~models.Q(title=""), name="book_title_not_blank"),
        ),
    ]
