from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("naive", "0003_order_courier")]

    operations = [
        migrations.AlterField(
            model_name="order",
            name="note",
            field=models.CharField(default="", max_length=200),
        ),
    ]
