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
            name="Child",
            fields=[
                _id(),
                (
                    "parent",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="children",
                        to="constraintops.parent",
                    ),
                ),
                ("note", models.CharField(default="", max_length=50)),
            ],
        ),
        migrations.CreateModel(
            name="Audited",
            fields=[
                _id(),
                (
                    "parent",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="audited",
                        to="constraintops.parent",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Node",
            fields=[
                _id(),
                (
                    "parent",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="kids",
                        to="constraintops.node",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Coded",
            fields=[_id(), ("code", models.CharField(max_length=20, unique=True))],
        ),
        migrations.CreateModel(
            name="Weird",
            fields=[
                _id(),
                (
                    "coded",
                    models.ForeignKey(
                        db_column="Coded Ref",
                        on_delete=django.db.models.deletion.CASCADE,
                        to="constraintops.coded",
                        to_field="code",
                    ),
                ),
            ],
            options={"db_table": "Weird Table-Name"},
        ),
        migrations.CreateModel(
            name="Profile",
            fields=[
                _id(),
                (
                    "parent",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, to="constraintops.parent"
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Tag", fields=[_id(), ("label", models.CharField(max_length=20))]
        ),
        migrations.CreateModel(
            name="Article",
            fields=[_id(), ("tags", models.ManyToManyField(to="constraintops.tag"))],
        ),
        migrations.CreateModel(
            name="Order",
            fields=[
                _id(),
                (
                    "parent",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="orders",
                        to="constraintops.parent",
                    ),
                ),
                ("amount", models.IntegerField(default=0)),
            ],
        ),
    ]
