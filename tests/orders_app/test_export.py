"""Order history as CSV: the list's filters, a row per order line, only the buyer's own."""

import csv
import io
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders_app.models import Order


def export(client, **params) -> list[dict]:
    response = client.get(reverse("orders:order_export"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="cupboard-orders-')
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_each_order_line_is_a_row_with_the_order_figures(buyer_client, make_order):
    order = make_order(po="PO-77", with_lid=True)

    rows = export(buyer_client)

    assert [row["SKU"] for row in rows] == ["CS-8OZ-ECO", "CS-DOME-LID"]
    first = rows[0]
    assert first["Order"] == order.reference and first["PO reference"] == "PO-77"
    assert first["Status"] == "Received by Cup Source"
    assert first["Cup Source order"] == order.supplier_order_id
    assert (
        first["Quantity"] == "5000"
        and first["Unit price"] == f"{order.lines.first().unit_price:.4f}"
    )
    assert first["Order total"] == f"{order.total:.2f}"
    assert first["Ship to"] == "Bea's Café, 123 Commerce Way, Portland, OR 97201"
    assert first["Placed by"] == "buyer"


def test_it_exports_only_my_orders_with_the_list_filters(buyer_client, make_order, other_buyer):
    old = make_order(po="PO-OLD")
    make_order(po="PO-NEW")
    make_order(user=other_buyer, po="PO-THEIRS")
    Order.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))

    assert [row["PO reference"] for row in export(buyer_client)] == ["PO-NEW", "PO-OLD"]
    since = (timezone.now() - timedelta(days=1)).date().isoformat()
    assert [row["PO reference"] for row in export(buyer_client, placed_from=since)] == ["PO-NEW"]


def test_text_a_spreadsheet_would_run_as_a_formula_is_defused(buyer_client, make_order):
    make_order(po='=HYPERLINK("http://x")', submit=False)

    row = export(buyer_client)[0]

    assert row["PO reference"] == '\'=HYPERLINK("http://x")'
    assert row["Status"] == "Sending to Cup Source"
    assert row["Order total"] == "" and row["Cup Source order"] == ""


def test_bad_filters_are_a_400_page_not_a_file(buyer_client, db):
    response = buyer_client.get(reverse("orders:order_export"), {"placed_from": "yesterday"})
    assert response.status_code == 400
    assert "Enter a valid date" in response.content.decode()


def test_the_query_count_does_not_grow_with_the_history(buyer_client, make_order):
    make_order()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            export(buyer_client)
        return len(captured)

    export(buyer_client)  # the first request of a session also writes the session
    one = queries()
    for _ in range(5):
        make_order(with_lid=True)
    assert queries() == one


def test_the_list_links_to_the_export_with_its_filters(buyer_client, make_order):
    make_order(po="PO-1")
    body = buyer_client.get(reverse("orders:order_list"), {"reference": "PO-1"}).content.decode()
    assert f'href="{reverse("orders:order_export")}?reference=PO-1"' in body
    assert "1 order matches" in body


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(reverse("orders:order_export"))
    assert response.status_code == 302 and "/login/" in response["Location"]
