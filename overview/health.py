"""Health checks for load balancers and process managers: JSON, no login, no secrets.

- `/healthz`: the process is alive and serving (no I/O).
- `/readyz`: the database and both caches answer, and the supplier API answered its latest
  call (made by any process: `supplier_status()` reads what the clients recorded and never
  calls the API, so probes cost no request budget). A supplier outage, or no answer heard for
  five minutes (is the worker running?), makes the answer "degraded" but still 200: Cupboard
  keeps serving the catalog, carts and order history without it, so taking instances out of
  rotation would only make it worse.

Both always answer JSON: `HealthCheckMiddleware` (first after the request id, see settings)
answers them before anything else runs, so a probe by IP address (any Host header) is not a
DisallowedHost error, and a session cookie is never read — with the database or Redis down, a
probe from a browser that is signed in still gets its JSON.
"""

import logging
import time
import uuid
from datetime import datetime

from django.contrib.auth.decorators import login_not_required
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.cache import strict
from overview.metrics import metrics
from supplier.status import SupplierStatus, supplier_status

logger = logging.getLogger(__name__)


@require_GET
@login_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
@login_not_required
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _check(_database), "cache": _check(_caches)}
    try:
        supplier = supplier_status()
    except Exception:  # the shared cache is down: the cache check above already says so
        supplier = SupplierStatus(reachable=None)
    checks["supplier"] = {"ok": supplier.reachable, "last_answer_s": _age(supplier.heard_at)}
    if not all(check["ok"] for name, check in checks.items() if name != "supplier"):
        status, code = "unavailable", 503
    elif not supplier.reachable:
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    return JsonResponse({"status": status, "checks": checks}, status=code)


def _check(probe) -> dict:
    started = time.monotonic()
    try:
        probe()
    except Exception as exc:
        logger.warning("Readiness check %s failed: %s", probe.__name__, exc.__class__.__name__)
        return {"ok": False, "ms": _ms(started)}
    return {"ok": True, "ms": _ms(started)}


def _age(moment: datetime | None) -> int | None:
    return None if moment is None else round((timezone.now() - moment).total_seconds())


def _ms(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _caches() -> None:
    token = uuid.uuid4().hex
    for alias in ("default", "shared"):
        cache = strict(caches[alias])  # a fail-soft Redis would hide its outage as a miss
        cache.set("readyz:probe", token, 10)
        if cache.get("readyz:probe") != token:
            raise RuntimeError(f"cache {alias} did not return what was stored")


class HealthCheckMiddleware:
    """Answer GET /healthz, /readyz and /metrics (overview/metrics.py) before host validation,
    sessions and the login wall."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.views = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics}

    def __call__(self, request: HttpRequest):
        view = self.views.get(request.path_info.rstrip("/"))
        if view is None:
            return self.get_response(request)
        return view(request)
