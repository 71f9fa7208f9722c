"""At most 10,000,000 units per saved-list item, as a check constraint (0003 brought every
stored item within it)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("favourites", "0003_quantity_policy_rows")]

    operations = [
        migrations.AddConstraint(
            model_name='savedlistitem',
            constraint=models.CheckConstraint(condition=models.Q(('qty__gte', 1), ('qty__lte', 10000000)), name='savedlistitem_qty_within_policy'),
        ),
    ]
