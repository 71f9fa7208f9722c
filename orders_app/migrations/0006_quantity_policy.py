"""The quantity policy in the database, step 2 of 2: the check constraints (0005 brought every
stored row within them)."""

from decimal import Decimal

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("orders_app", "0005_quantity_policy_rows")]

    operations = [
        migrations.AddConstraint(
            model_name='cartline',
            constraint=models.CheckConstraint(condition=models.Q(('qty__gte', 1), ('qty__lte', 10000000)), name='cartline_qty_within_policy'),
        ),
        migrations.AddConstraint(
            model_name='order',
            constraint=models.CheckConstraint(condition=models.Q(('expected_subtotal__gte', 0), ('expected_subtotal__lte', Decimal('100000000.00'))), name='order_subtotal_within_policy'),
        ),
        migrations.AddConstraint(
            model_name='orderline',
            constraint=models.CheckConstraint(condition=models.Q(('qty__gte', 1), ('qty__lte', 10000000)), name='orderline_qty_within_policy'),
        ),
    ]
