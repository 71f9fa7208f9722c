"""/metrics (overview/metrics.py): off unless a token or an allow-list is set; each metric
moves when its cause happens."""

from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from catalog_app.models import SyncRun
from cupsource import CupSourceError
from notifications.models import Notification
from orders_app.models import Order
from supplier.client import get_client
from supplier.status import record_result
from tests.overview.test_system_status import DB_TASKS

TOKEN = "metrics-token-for-the-test"


@pytest.fixture
def scrape(client, settings, db):
    settings.METRICS_TOKEN = TOKEN

    def get() -> dict:
        response = client.get("/metrics", headers={"authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        samples = {}
        for family in text_string_to_metric_families(response.content.decode()):
            for sample in family.samples:
                samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
        return samples

    return get


def value(samples, name, **labels):
    return samples[(name, tuple(sorted(labels.items())))]


def test_it_is_off_unless_a_token_or_allow_list_is_set(client, db):
    assert client.get("/metrics").status_code == 404


def test_a_wrong_token_is_a_404_and_the_token_is_never_shown(client, settings, db):
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics", headers={"authorization": "Bearer nope"}).status_code == 404
    assert client.get("/metrics").status_code == 404
    body = client.get("/metrics", headers={"authorization": f"Bearer {TOKEN}"}).content.decode()
    assert TOKEN not in body and settings.CUPSOURCE_API_KEY not in body


def test_an_allow_list_admits_its_networks_only_by_any_host(client, settings, db):
    settings.METRICS_ALLOW_IPS = ["10.0.0.0/8"]
    inside = client.get("/metrics", REMOTE_ADDR="10.1.2.3", headers={"host": "10.0.0.1:8000"})
    assert inside.status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.168.1.9").status_code == 404


def api(*responses):
    answers = list(responses)

    def handler(request):
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    return get_client(transport=httpx.MockTransport(handler), max_retries=0, sleep=lambda s: None)


PAGE = {"success": True, "data": [], "meta": {"page": 1, "per_page": 1, "total": 0}}
LIMITED = {"success": False, "error": {"code": "rate_limited", "message": "slow", "details": {}}}


def test_budget_and_upstream_requests_latency_and_429s_move(scrape):
    before = scrape()
    assert value(before, "cupboard_budget_requests_used") == 0
    with api(
        httpx.Response(200, json=PAGE),
        httpx.ConnectError("refused"),
        httpx.Response(429, json=LIMITED, headers={"Retry-After": "30"}),
    ) as client:
        client.list_products(per_page=1)
        with pytest.raises(CupSourceError):
            client.list_products(per_page=1)
        middle = scrape()
        with pytest.raises(CupSourceError):
            client.list_products(per_page=1)
    after = scrape()
    assert value(middle, "cupboard_budget_requests_used") == 2
    assert value(middle, "cupboard_budget_requests_remaining") == 118
    assert value(after, "cupboard_budget_blocked_seconds") > 25  # the 429's Retry-After
    endpoint = "GET /products"
    requests = "cupboard_upstream_requests_total"
    for outcome in ("2xx", "429", "network"):
        assert value(after, requests, endpoint=endpoint, outcome=outcome) == 1, outcome
    assert value(after, requests, endpoint=endpoint, outcome="5xx") == 0
    assert value(after, "cupboard_upstream_latency_seconds_count", endpoint=endpoint) == 3
    assert value(after, "cupboard_upstream_latency_seconds_count", endpoint="POST /orders") == 0


def test_orders_by_state_and_the_oldest_queued_age_move(scrape, buyer):
    assert value(scrape(), "cupboard_orders", state="queued") == 0
    order = Order.objects.create(
        placed_by=buyer, state=Order.State.QUEUED, reference="Q-1", payload={},
        expected_subtotal=Decimal("1"),
    )  # fmt: skip
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    after = scrape()
    assert value(after, "cupboard_orders", state="queued") == 1
    assert 299 < value(after, "cupboard_orders_oldest_age_seconds", state="queued") < 330
    assert value(after, "cupboard_orders_oldest_age_seconds", state="in_doubt") == 0


def test_sync_age_and_duration_move(scrape):
    assert value(scrape(), "cupboard_sync_age_seconds") == -1
    run = SyncRun.objects.create(trigger="schedule", status=SyncRun.Status.SUCCEEDED)
    SyncRun.objects.filter(pk=run.pk).update(
        started_at=timezone.now() - timedelta(seconds=200),
        finished_at=timezone.now() - timedelta(seconds=120),
    )
    after = scrape()
    assert 119 < value(after, "cupboard_sync_age_seconds") < 150
    assert 79 < value(after, "cupboard_sync_duration_seconds") < 81
    SyncRun.objects.create(trigger="schedule", status=SyncRun.Status.FAILED)
    assert value(scrape(), "cupboard_sync_failed") == 1


def test_queue_depth_and_oldest_wait_move(scrape, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DB_TASKS
    assert value(scrape(), "cupboard_queue_depth", queue="default") == 0
    waiting = DBTaskResult.objects.create(
        task_path="orders_app.tasks.process_due_orders", queue_name="default",
        backend_name="default", args_kwargs={"args": [], "kwargs": {}}, run_after=timezone.now(),
    )  # fmt: skip
    DBTaskResult.objects.filter(pk=waiting.pk).update(
        enqueued_at=timezone.now() - timedelta(minutes=3)
    )
    after = scrape()
    assert value(after, "cupboard_queue_depth", queue="default") == 1
    assert value(after, "cupboard_queue_depth", queue="catalog") == 0
    assert 179 < value(after, "cupboard_queue_oldest_wait_seconds", queue="default") < 200


def test_supplier_status_moves(scrape):
    assert value(scrape(), "cupboard_supplier_up") == -1
    record_result(200)
    assert value(scrape(), "cupboard_supplier_up") == 1
    record_result("ConnectError")
    assert value(scrape(), "cupboard_supplier_up") == 0


def test_mails_pending_move(scrape, buyer):
    assert value(scrape(), "cupboard_mails_pending") == 0
    Notification.objects.create(recipient=buyer, kind="order_placed", event="e", subject="s")
    assert value(scrape(), "cupboard_mails_pending") == 1


def test_the_dashboard_and_the_alerts_use_only_metrics_that_exist(scrape, settings):
    import json
    import re
    from pathlib import Path

    settings.TASKS = DB_TASKS  # the queue metrics need the database task backend
    docs = Path(__file__).resolve().parents[2] / "docs"
    rules = (docs / "alerts.yml").read_text()
    panels = json.loads((docs / "grafana-dashboard.json").read_text())["panels"]
    exprs = re.findall(r"^\s+expr: (.+)$", rules, re.M)
    assert len(exprs) == rules.count("- alert:")
    exprs += [target["expr"] for panel in panels for target in panel["targets"]]
    used = {name for expr in exprs for name in re.findall(r"cupboard_[a-z_]+", expr)}
    served = {name for name, _ in scrape()}
    assert used and used <= served, used - served
