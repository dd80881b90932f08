"""Operations every scenario starts from: an author and a book table with a foreign key."""

from typing import Any

from django.db import migrations, models


def initial_operations() -> list[Any]:
    """``CreateModel`` for Author and Book (FK with Django's default index, two extra columns)."""
    return [
        migrations.CreateModel(
            name="Author",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("name", models.CharField(max_length=100)),
            ],
        ),
        migrations.CreateModel(
            name="Book",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("title", models.CharField(max_length=200)),
                ("pages", models.IntegerField(null=True)),
                ("legacy", models.CharField(max_length=50, null=True)),
                (
                    "author",
                    models.ForeignKey(on_delete=models.CASCADE, to="lintdj.author"),
                ),
            ],
        ),
    ]
