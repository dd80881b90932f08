import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("naive", "0002_order_placed_at_idx")]

    operations = [
        migrations.AddField(
            model_name="order",
            name="courier",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.SET_NULL, to="naive.courier"
            ),
        ),
    ]
