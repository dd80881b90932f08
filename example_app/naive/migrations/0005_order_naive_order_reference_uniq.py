from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("naive", "0004_alter_order_note")]

    operations = [
        migrations.AddConstraint(
            model_name="order",
            constraint=models.UniqueConstraint(
                fields=("reference",), name="naive_order_reference_uniq"
            ),
        ),
    ]
