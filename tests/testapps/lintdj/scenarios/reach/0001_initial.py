"""Models joined every way Django can join them: foreign keys (one to a ``to_field``), a
many-to-many (auto and explicit ``through``), multi-table inheritance, a proxy."""

import django.db.models.deletion
from django.db import migrations, models

CASCADE = django.db.models.deletion.CASCADE


class Migration(migrations.Migration):
    initial = True
    dependencies = []  # type: ignore[var-annotated]
    operations = [
        migrations.CreateModel("Author", [("id", models.AutoField(primary_key=True))]),
        migrations.CreateModel(
            "Publisher",
            [
                ("id", models.BigAutoField(primary_key=True)),
                ("code", models.CharField(max_length=10, unique=True)),
            ],
        ),
        migrations.CreateModel("Tag", [("id", models.BigAutoField(primary_key=True))]),
        migrations.CreateModel(
            "Book",
            [
                ("id", models.BigAutoField(primary_key=True)),
                ("title", models.CharField(max_length=100)),
                ("author", models.ForeignKey("lintdj.author", CASCADE)),
                (
                    "publisher",
                    models.ForeignKey("lintdj.publisher", CASCADE, to_field="code", null=True),
                ),
                ("tags", models.ManyToManyField("lintdj.tag")),
            ],
        ),
        migrations.CreateModel("Shelf", [("id", models.BigAutoField(primary_key=True))]),
        migrations.CreateModel(
            "ShelfBook",
            [
                ("id", models.BigAutoField(primary_key=True)),
                ("shelf", models.ForeignKey("lintdj.shelf", CASCADE)),
                ("book", models.ForeignKey("lintdj.book", CASCADE)),
            ],
        ),
        migrations.AddField(
            "shelf", "books", models.ManyToManyField("lintdj.book", through="lintdj.ShelfBook")
        ),
        migrations.CreateModel(
            "Place",
            [
                ("id", models.BigAutoField(primary_key=True)),
                ("name", models.CharField(max_length=50)),
            ],
        ),
        migrations.CreateModel(
            "Restaurant",
            [
                (
                    "place_ptr",
                    models.OneToOneField(
                        "lintdj.place", CASCADE, parent_link=True, primary_key=True, serialize=False
                    ),
                ),
                ("stars", models.IntegerField(default=0)),
            ],
            bases=("lintdj.place",),
        ),
        migrations.CreateModel("Writer", [], options={"proxy": True}, bases=("lintdj.publisher",)),
    ]
