import django.db.models.deletion
from django.db import migrations, models


def _id() -> tuple[str, models.BigAutoField]:
    return (
        "id",
        models.BigAutoField(
            auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
        ),
    )


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Parent", fields=[_id(), ("name", models.CharField(max_length=50))]
        ),
        migrations.CreateModel(
            name="Entry",
            fields=[
                _id(),
                (
                    "parent",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="entries",
                        to="faults.parent",
                    ),
                ),
                ("code", models.CharField(db_index=True, max_length=20)),
                ("name", models.CharField(max_length=50)),
                ("note", models.IntegerField(null=True)),
            ],
        ),
    ]
