from django.db import migrations, models

from tests.testapps.lintdj.scenarios.common import initial_operations


class Migration(migrations.Migration):
    """An initial migration: its tables are new, so changing them here hurts no traffic."""

    initial = True
    dependencies = []  # type: ignore[var-annotated]
    operations = [
        *initial_operations(),
        migrations.CreateModel(
            name="AuthorProxy",
            fields=[],
            options={"proxy": True},
            bases=("lintdj.author",),
        ),
        migrations.AlterField("book", "pages", models.BigIntegerField(null=True)),
    ]
