"""Orders through the dashboard's ledger against the sandbox with faults injected.

Every fault the sandbox can inject (500, 429, timeout, reset, bad JSON, latency) must leave
every order accepted or visibly in a state the buyer can act on — with 0 duplicates at the
sandbox and 0 orders lost.
"""

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from catalog_app.models import Product
from catalog_app.services import catalog_sync
from orders_app.models import Address, Order
from orders_app.services import cart_add, cart_for, order_place, order_submit, orders_process_due
from supplier.client import get_client, get_web_client

ACTIONABLE = {Order.State.NEEDS_CHANGES, Order.State.QUEUED, Order.State.IN_DOUBT}


@pytest.fixture
def shop(sandbox, settings, django_user_model):
    """The dashboard wired to the sandbox, its catalog mirrored, a buyer and an address."""
    sandbox.configure(settings)
    settings.SANDBOX_RATE_LIMIT = 10_000  # the rate limit has its own tests; 429s are injected
    settings.CUPSOURCE_RATE_LIMIT = 10_000
    settings.CUPSOURCE_TIMEOUT = 0.5
    with get_client() as client:
        catalog_sync(client=client, trigger="command")
    buyer = django_user_model.objects.create_user("soak", password="x")
    address = Address.objects.create(
        label="Portland", line1="123 Commerce Way", city="Portland", state="OR", zip="97201"
    )
    return buyer, address


def place_one(buyer, address, n: int) -> Order:
    cart_add(user=buyer, product=Product.objects.get(sku="CS-8OZ-ECO"), qty=1000)
    order = order_place(user=buyer, cart=cart_for(buyer), address=address, po_number=f"SOAK-{n}")
    with get_web_client() as client:
        return order_submit(order=order, client=client)


def settle(rounds: int = 40) -> None:
    """What the worker does every few seconds, with time moved on between sweeps."""
    now = timezone.now()
    for i in range(rounds):
        if not Order.objects.filter(state__in=[*Order.PENDING_STATES]).exists():
            return
        with get_client(max_retries=0) as client:
            orders_process_due(client=client, now=now + timedelta(hours=i + 1))


def supplier_orders(sandbox) -> Counter:
    from sandbox.models import Order as SandboxOrder

    return Counter(SandboxOrder.objects.values_list("reference", flat=True))


def assert_exactly_once(sandbox) -> None:
    at_supplier = supplier_orders(sandbox)
    assert all(n == 1 for n in at_supplier.values()), f"duplicates: {at_supplier}"
    for order in Order.objects.all():
        if order.state == Order.State.ACCEPTED:
            assert at_supplier[order.reference] == 1, f"{order.reference} accepted but not there"
        else:
            assert order.state in ACTIONABLE | {Order.State.CANCELLED}
            assert at_supplier[order.reference] == 0 or order.state == Order.State.IN_DOUBT
    local = set(Order.objects.values_list("reference", flat=True))
    assert set(at_supplier) <= local, "an order at the supplier that Cupboard lost"


@pytest.mark.parametrize("kind", ["500", "429", "timeout", "reset", "bad_json"])
def test_a_fault_on_the_first_send_still_ends_in_exactly_one_order(shop, sandbox, settings, kind):
    buyer, address = shop
    settings.SANDBOX_FAULTS = f"{kind}=1.0,timeout_s=1,seed=3"
    order = place_one(buyer, address, 1)
    assert order.state in ACTIONABLE, f"{kind}: {order.state}"
    assert order.problem  # the buyer is told what is happening
    settings.SANDBOX_FAULTS = ""
    settle()
    order.refresh_from_db()
    assert order.state == Order.State.ACCEPTED
    assert_exactly_once(sandbox)


def test_latency_alone_changes_nothing(shop, sandbox, settings):
    buyer, address = shop
    settings.SANDBOX_FAULTS = "latency_ms=50"
    assert place_one(buyer, address, 1).state == Order.State.ACCEPTED
    assert_exactly_once(sandbox)


def test_a_soak_with_every_fault_loses_and_duplicates_nothing(shop, sandbox, settings, capsys):
    buyer, address = shop
    settings.SANDBOX_FAULTS = (
        "500=0.1,429=0.1,timeout=0.05,reset=0.1,bad_json=0.05,latency_ms=2,timeout_s=1,seed=11"
    )
    first = Counter(place_one(buyer, address, n).state for n in range(40))
    settle()
    final = Counter(Order.objects.values_list("state", flat=True))
    with capsys.disabled():
        print(f"\nfault soak: after first send {dict(first)}; after the worker {dict(final)}")
    assert sum(first.values()) == 40
    assert first[Order.State.ACCEPTED] < 40  # faults did hit the first sends
    assert final[Order.State.ACCEPTED] + sum(final[s] for s in ACTIONABLE) == 40
    assert_exactly_once(sandbox)
    # With the faults still on, the worker got every order through in the end.
    assert final[Order.State.ACCEPTED] == 40
