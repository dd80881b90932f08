from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("naive", "0001_initial")]

    operations = [
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["placed_at"], name="naive_order_placed_at_idx"),
        ),
    ]
