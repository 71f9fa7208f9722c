"""The quantity policy in the database: at most 10,000,000 units per cart or order line and
$100,000,000.00 per order (orders_app/quantities.py), as check constraints.

Rows stored before the policy existed may be outside it (the old add-to-cart allowed ten
million *cases*, and SQLite kept subtotals its decimal columns cannot even read back). First
they are brought within it, so that every page can read them: such a line keeps the most the
policy allows; an order not yet sent (waiting for approval, or queued) becomes "needs changes"
with the reason, so the buyer changes or cancels it. Orders already sent keep their state (the
ledger must still settle them); only their stored numbers are bounded. Values are compared
and bounded in SQL, never read into Python, because out-of-range decimals do not load.
"""

from decimal import Decimal

from django.conf import settings
from django.db import migrations, models
from django.db.models import F, Q
from django.db.models.functions import Least

MAX_UNITS = 10_000_000
MAX_SUBTOTAL = Decimal("100000000.00")
PROBLEM = (
    "This order is larger than Cupboard accepts (at most 10,000,000 units per line and "
    "$100,000,000.00 per order). Change the quantities and send it again, or cancel it."
)


def bring_rows_within_the_policy(apps, schema_editor):
    CartLine = apps.get_model("orders_app", "CartLine")
    Order = apps.get_model("orders_app", "Order")
    OrderLine = apps.get_model("orders_app", "OrderLine")
    CartLine.objects.filter(qty__lt=1).delete()  # a line of nothing
    CartLine.objects.filter(qty__gt=MAX_UNITS).update(qty=MAX_UNITS)
    big_lines = OrderLine.objects.filter(qty__gt=MAX_UNITS)
    over = Order.objects.filter(
        Q(expected_subtotal__gt=MAX_SUBTOTAL) | Q(pk__in=big_lines.values("order_id"))
    )
    over.filter(state__in=["pending_approval", "queued"]).update(
        state="needs_changes", problem=PROBLEM, problem_details={}, next_attempt_at=None
    )
    over.update(expected_subtotal=Least(F("expected_subtotal"), MAX_SUBTOTAL))
    big_lines.update(qty=MAX_UNITS, line_total=Least(F("unit_price") * MAX_UNITS, MAX_SUBTOTAL))


class Migration(migrations.Migration):

    dependencies = [
        ('catalog_app', '0002_product_facets_idx'),
        ('orders_app', '0004_supplier_status_choices'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(bring_rows_within_the_policy, migrations.RunPython.noop),
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
