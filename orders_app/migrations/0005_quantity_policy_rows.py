"""The quantity policy in the database, step 1 of 2 (0006 adds the check constraints): at most
10,000,000 units per cart or order line and $100,000,000.00 per order (orders_app/quantities.py).

Rows stored before the policy existed may be outside it (the old add-to-cart allowed ten
million *cases*, and SQLite kept subtotals its decimal columns cannot even read back). First
they are brought within it, so that every page can read them: such a line keeps the most the
policy allows; an order not yet sent (waiting for approval, or queued) becomes "needs changes"
with the reason, so the buyer changes or cancels it. Orders already sent keep their state (the
ledger must still settle them); only their stored numbers are bounded. Values are compared
and bounded in SQL, never read into Python, because out-of-range decimals do not load.
"""

from decimal import Decimal

from django.db import migrations
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
    dependencies = [("orders_app", "0004_supplier_status_choices")]

    # Only the rows: on PostgreSQL a table whose rows were just updated cannot be altered in
    # the same transaction (pending trigger events), so the constraints come in 0006.
    operations = [migrations.RunPython(bring_rows_within_the_policy, migrations.RunPython.noop)]
