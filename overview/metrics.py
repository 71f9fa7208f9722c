"""Prometheus metrics at /metrics (prometheus-client's text format), for a scraper.

Off — a 404, as if there were none — unless METRICS_TOKEN (the scraper sends `Authorization:
Bearer <token>`) or METRICS_ALLOW_IPS (addresses or networks, e.g. `127.0.0.1,10.0.0.0/8`) is
set; with both, a request needs either. Like the health checks it is answered before host
validation and sessions (overview.health.HealthCheckMiddleware), so a scraper may use the IP.

Everything is read at scrape time from the database and the shared cache, so any web worker
answers for every process (and every host): nothing is kept in a process's memory.

- cupboard_budget_requests_used / _limit / _remaining: the shared request budget's last 60 s;
  cupboard_budget_blocked_seconds: what is left of a block a 429 or the headers imposed;
- cupboard_upstream_requests_total{endpoint,outcome}: API attempts (2xx, 4xx, 429, 5xx,
  network); cupboard_upstream_latency_seconds{endpoint}: a histogram of their durations;
- cupboard_orders{state}; cupboard_orders_oldest_age_seconds{state}: the oldest submitting,
  queued or in-doubt order (0: none);
- cupboard_sync_age_seconds (-1: never), cupboard_sync_duration_seconds, cupboard_sync_failed;
- cupboard_queue_depth{queue}, cupboard_queue_oldest_wait_seconds{queue},
  cupboard_queue_running{queue};
- cupboard_supplier_up (1, 0, or -1 when nothing was heard for 5 minutes),
  cupboard_supplier_last_answer_age_seconds;
- cupboard_mails_pending, cupboard_mails_failed, cupboard_mail_oldest_pending_age_seconds.
"""

import hmac
import ipaddress

from django.conf import settings
from django.db.models import Count, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
)

from accounts.ip import client_ip
from catalog_app.models import SyncRun
from orders_app.models import Order
from overview.status import mail_facts, sync_facts, task_facts
from supplier.client import get_budget
from supplier.status import supplier_status
from supplier.telemetry import counts

AGED_STATES = (Order.State.SUBMITTING, Order.State.QUEUED, Order.State.IN_DOUBT)


@require_GET
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    if not allowed(request):
        raise Http404
    registry = CollectorRegistry(auto_describe=False)
    registry.register(CupboardCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def allowed(request: HttpRequest) -> bool:
    token, networks = settings.METRICS_TOKEN, settings.METRICS_ALLOW_IPS
    if not token and not networks:
        return False
    if token:
        sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if sent and hmac.compare_digest(sent.encode(), token.encode()):
            return True
    address = client_ip(request)
    return bool(address) and any(
        ipaddress.ip_address(address) in ipaddress.ip_network(n, strict=False) for n in networks
    )


def _age(moment, now) -> float:
    return max(0.0, (now - moment).total_seconds()) if moment else 0.0


class CupboardCollector:
    def collect(self):
        now = timezone.now()
        yield from self._budget()
        yield from self._upstream()
        yield from self._orders(now)
        yield from self._sync(now)
        yield from self._queues(now)
        yield from self._supplier(now)
        yield from self._mail(now)

    def _budget(self):
        used, limit, blocked = get_budget().usage()
        yield GaugeMetricFamily(
            "cupboard_budget_requests_used", "API requests counted in the last 60 s", value=used
        )
        yield GaugeMetricFamily(
            "cupboard_budget_requests_limit", "API requests allowed per 60 s", value=limit
        )
        yield GaugeMetricFamily(
            "cupboard_budget_requests_remaining",
            "API requests still allowed in the current 60 s",
            value=max(0, limit - used),
        )
        yield GaugeMetricFamily(
            "cupboard_budget_blocked_seconds", "Seconds before any request may go", value=blocked
        )

    def _upstream(self):
        found = counts()
        requests = CounterMetricFamily(
            "cupboard_upstream_requests",
            "Cup Source API attempts by endpoint and outcome (2xx, 4xx, 429, 5xx, network)",
            labels=["endpoint", "outcome"],
        )
        for (endpoint, outcome), n in found["requests"].items():
            requests.add_metric([endpoint, outcome], n)
        yield requests
        latency = HistogramMetricFamily(
            "cupboard_upstream_latency_seconds",
            "Cup Source API attempt durations",
            labels=["endpoint"],
        )
        for endpoint, (buckets, _count, total) in found["latency"].items():
            latency.add_metric([endpoint], buckets, total)
        yield latency

    def _orders(self, now):
        by_state = dict(Order.objects.values_list("state").annotate(n=Count("pk")))
        orders = GaugeMetricFamily("cupboard_orders", "Orders by state", labels=["state"])
        for state in Order.State:
            orders.add_metric([state.value], by_state.get(state.value, 0))
        yield orders
        oldest = dict(
            Order.objects.filter(state__in=AGED_STATES)
            .values_list("state")
            .annotate(at=Min("created_at"))
        )
        ages = GaugeMetricFamily(
            "cupboard_orders_oldest_age_seconds",
            "Age of the oldest order not yet with Cup Source, by state (0: none)",
            labels=["state"],
        )
        for state in AGED_STATES:
            ages.add_metric([state.value], _age(oldest.get(state.value), now))
        yield ages

    def _sync(self, now):
        facts = sync_facts()
        success, last = facts["last_success"], facts["last"]
        yield GaugeMetricFamily(
            "cupboard_sync_age_seconds",
            "Seconds since the last catalog sync that succeeded finished (-1: never)",
            value=_age(success.finished_at, now) if success and success.finished_at else -1,
        )
        duration = (
            (success.finished_at - success.started_at).total_seconds()
            if success and success.finished_at
            else 0.0
        )
        yield GaugeMetricFamily(
            "cupboard_sync_duration_seconds",
            "How long the last successful catalog sync took",
            value=duration,
        )
        yield GaugeMetricFamily(
            "cupboard_sync_failed",
            "1 if the latest catalog sync failed",
            value=int(bool(last) and last.status == SyncRun.Status.FAILED),
        )

    def _queues(self, now):
        facts = task_facts()
        depth = GaugeMetricFamily("cupboard_queue_depth", "Tasks waiting", labels=["queue"])
        wait = GaugeMetricFamily(
            "cupboard_queue_oldest_wait_seconds",
            "How long the oldest waiting task has waited (0: none)",
            labels=["queue"],
        )
        running = GaugeMetricFamily("cupboard_queue_running", "Tasks running", labels=["queue"])
        for queue in facts.get("queues", []):
            depth.add_metric([queue.name], queue.waiting)
            wait.add_metric([queue.name], _age(queue.oldest_waiting_since, now))
            running.add_metric([queue.name], queue.running)
        yield depth
        yield wait
        yield running

    def _supplier(self, now):
        status = supplier_status()
        yield GaugeMetricFamily(
            "cupboard_supplier_up",
            "1: Cup Source answered its latest call; 0: it failed; -1: nothing heard for 5 min",
            value={True: 1, False: 0, None: -1}[status.reachable],
        )
        yield GaugeMetricFamily(
            "cupboard_supplier_last_answer_age_seconds",
            "Seconds since Cup Source last answered any process (-1: never)",
            value=_age(status.heard_at, now) if status.heard_at else -1,
        )

    def _mail(self, now):
        facts = mail_facts()
        yield GaugeMetricFamily(
            "cupboard_mails_pending", "Notifications waiting to be mailed", value=facts["pending"]
        )
        yield GaugeMetricFamily(
            "cupboard_mails_failed", "Notifications whose mail failed", value=facts["failed"]
        )
        yield GaugeMetricFamily(
            "cupboard_mail_oldest_pending_age_seconds",
            "Age of the oldest notification waiting to be mailed (0: none)",
            value=_age(facts["oldest"], now),
        )
