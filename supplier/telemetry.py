"""What the Cup Source clients did, counted for the metrics (overview/metrics.py).

Every client `supplier.client` builds reports each attempt to `record_attempt`, from whichever
process made it (a web worker, a task worker, a command). The counts live in the shared cache
— so the metrics endpoint, served by any web worker, sees every process's requests — as
counters per endpoint and outcome, and a latency histogram per endpoint. A cache outage or a
restore resets them; Prometheus takes a counter that goes back to zero as a reset.
"""

import logging
import re

from django.core.cache import caches

logger = logging.getLogger(__name__)

ENDPOINTS = (
    "GET /products",
    "GET /products/{sku}",
    "POST /orders",
    "GET /orders",
    "GET /orders/{id}",
    "GET /orders/{id}/tracking",
)
OUTCOMES = ("2xx", "4xx", "429", "5xx", "network")
BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)  # seconds
PREFIX = "metrics:cupsource"
_ID = re.compile(r"^/(products|orders)/[^/]+")


def endpoint(method: str, path: str) -> str:
    path = _ID.sub(lambda m: f"/{m[1]}/{{{'sku' if m[1] == 'products' else 'id'}}}", path)
    return f"{method} {path}"


def outcome(result: int | str) -> str:
    if isinstance(result, str):
        return "network"
    if result == 429:
        return "429"
    return f"{result // 100}xx" if result >= 500 or 200 <= result < 300 else "4xx"


def record_attempt(method: str, path: str, result: int | str, seconds: float) -> None:
    """The clients' ``on_attempt`` hook."""
    name = endpoint(method, path)
    if name not in ENDPOINTS:
        return
    bucket = next((str(b) for b in BUCKETS if seconds <= b), "+Inf")
    e = ENDPOINTS.index(name)  # keys without spaces or braces
    keys = {
        f"{PREFIX}:requests:{e}:{outcome(result)}": 1,
        f"{PREFIX}:latency:{e}:{bucket}": 1,
        f"{PREFIX}:latency_ms:{e}": max(0, round(seconds * 1000)),
    }
    cache = caches["shared"]
    try:
        for key, delta in keys.items():
            cache.add(key, 0, timeout=None)
            cache.incr(key, delta)
    except Exception as exc:  # a cache outage must not fail the API call it counts
        logger.debug("Could not count an API attempt: %s", type(exc).__name__)


def counts() -> dict:
    """Every counter: {"requests": {(endpoint, outcome): n}, "latency": {endpoint: (buckets
    [(le, cumulative n)], count, sum in seconds)}}."""
    ids = range(len(ENDPOINTS))
    limits = (*map(str, BUCKETS), "+Inf")
    keys = [f"{PREFIX}:requests:{e}:{o}" for e in ids for o in OUTCOMES]
    keys += [f"{PREFIX}:latency:{e}:{b}" for e in ids for b in limits]
    keys += [f"{PREFIX}:latency_ms:{e}" for e in ids]
    found = caches["shared"].get_many(keys)
    requests = {
        (name, o): found.get(f"{PREFIX}:requests:{e}:{o}", 0)
        for e, name in enumerate(ENDPOINTS)
        for o in OUTCOMES
    }
    latency = {}
    for e, name in enumerate(ENDPOINTS):
        running, buckets = 0, []
        for b in limits:
            running += found.get(f"{PREFIX}:latency:{e}:{b}", 0)
            buckets.append((b, running))
        latency[name] = (buckets, running, found.get(f"{PREFIX}:latency_ms:{e}", 0) / 1000)
    return {"requests": requests, "latency": latency}
