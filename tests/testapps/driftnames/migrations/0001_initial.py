import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Country",
            fields=[
                ("code", models.CharField(max_length=2, primary_key=True, serialize=False)),
                ("name", models.CharField(max_length=50)),
                ("region", models.CharField(max_length=20)),
            ],
            options={"unique_together": {("name", "region")}},
        ),
        migrations.CreateModel(
            name="Page",
            fields=[("path", models.TextField(primary_key=True, serialize=False))],
        ),
        migrations.CreateModel(
            name="OldNotice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("sent", models.DateTimeField(db_index=True)),
                ("count", models.PositiveIntegerField(default=0)),
                ("label", models.CharField(max_length=20)),
                (
                    "country",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="driftnames.country"
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["label"], name="notice_label_ix")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(label__gt=""), name="notice_label_check"
                    )
                ],
            },
        ),
    ]
