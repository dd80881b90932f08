from django.db import migrations, models

from safemigrations.operations import AddConstraintNotValid


class Migration(migrations.Migration):
    dependencies = [("constraintops", "0003_alter_fields")]

    operations = [
        AddConstraintNotValid("order", field="parent"),
        AddConstraintNotValid(
            "order",
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="constraintops_order_amount_gte_0"
            ),
        ),
    ]
