"""Health checks for load balancers and process managers: JSON, no login, no secrets.

- `/healthz`: the process is alive and serving (no I/O).
- `/readyz`: the database and both caches answer, and the supplier API was reachable at its
  last check. The supplier check reuses the cached status (at most one API call a minute,
  whatever the probe frequency), so probes never eat into the request budget. A supplier
  outage makes the answer "degraded" but still 200: Cupboard keeps serving the catalog, carts
  and order history without it, so taking instances out of rotation would only make it worse.
"""

import logging
import time
import uuid

from django.contrib.auth.decorators import login_not_required
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dashboard.supplier import supplier_status

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
    supplier = supplier_status()
    checks["supplier"] = {"ok": supplier.reachable}
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


def _ms(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 1)


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _caches() -> None:
    token = uuid.uuid4().hex
    for alias in ("default", "shared"):
        cache = caches[alias]
        cache.set("readyz:probe", token, 10)
        if cache.get("readyz:probe") != token:
            raise RuntimeError(f"cache {alias} did not return what was stored")
