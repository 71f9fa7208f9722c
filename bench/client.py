"""Per-call overhead of the cupsource client against a bare ``httpx.Client().get()``.

    python bench/client.py --url http://127.0.0.1:8100/v1 --key KEY -n 200
    python bench/client.py --stub -n 2000        # against a built-in stdlib stub server

Both are timed against the same server in the same run, alternating call by call (so drift in
the server or the machine hits both equally), after a warm-up, with keep-alive connections and
no budget. The client call is ``list_products(per_page=1)`` (or ``get_product(SKU)`` with
``--sku``): it builds the request, sends it, and parses the envelope strictly into models; the
bare call only sends and reads the body. The difference is what the client costs per call.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cupsource import CupSourceClient  # (after the path tweak above)

STUB_PRODUCT = {
    "sku": "CS-8OZ-ECO",
    "name": "8 oz eco paper cup",
    "category": "cups",
    "material": "paper",
    "capacity_oz": 8,
    "unit_price": "0.0480",
    "currency": "USD",
    "case_pack": 1000,
    "min_order_qty": 5000,
    "stock": 120000,
    "lead_time_days": 3,
    "description": "Single-wall compostable cup for hot drinks.",
    "compatible_lids": ["CS-DOME-LID", "CS-FLAT-LID"],
    "updated_at": "2026-11-01T12:00:00Z",
}


class StubHandler(BaseHTTPRequestHandler):
    """Answers ``GET /v1/products`` and ``GET /v1/products/<sku>`` with valid envelopes."""

    protocol_version = "HTTP/1.1"  # keep-alive, like a real server
    # Headers and body go out in two writes: without TCP_NODELAY, Nagle's algorithm meets the
    # client's delayed ACK and every response stalls ~40 ms, which would swamp the measurement.
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/v1/products":
            body = {
                "success": True,
                "data": [STUB_PRODUCT],
                "meta": {"page": 1, "per_page": 1, "total": 1},
            }
        elif path.startswith("/v1/products/"):
            body = {"success": True, "data": STUB_PRODUCT, "meta": {}}
        else:
            body = {"success": False, "error": {"code": "not_found", "message": "No such path."}}
        payload = json.dumps(body).encode()
        self.send_response(200 if body["success"] else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:  # silence the access log
        pass


def start_stub() -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}/v1"


def summarise(samples_ns: list[int]) -> dict[str, float]:
    ms = sorted(s / 1e6 for s in samples_ns)
    return {
        "mean": statistics.fmean(ms),
        "p50": statistics.median(ms),
        "p95": ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))],
    }


def measure(calls: dict[str, Callable[[], object]], n: int, warmup: int) -> dict[str, list[int]]:
    for _ in range(warmup):
        for call in calls.values():
            call()
    samples: dict[str, list[int]] = {name: [] for name in calls}
    for _ in range(n):
        for name, call in calls.items():
            started = time.perf_counter_ns()
            call()
            samples[name].append(time.perf_counter_ns() - started)
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="API base URL, e.g. http://127.0.0.1:8100/v1")
    parser.add_argument("--key", default="bench-key", help="API key (default: bench-key)")
    parser.add_argument("--stub", action="store_true", help="serve a built-in stub and use it")
    parser.add_argument("--sku", help="time get_product(SKU) instead of list_products(per_page=1)")
    parser.add_argument("-n", type=int, default=200, help="timed calls of each kind")
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args(argv)
    if not args.stub and not args.url:
        parser.error("give --url (and --key) or --stub")

    server = None
    if args.stub:
        server, url = start_stub()
    else:
        url = args.url.rstrip("/")
    headers = {"Authorization": f"Bearer {args.key}", "Accept": "application/json"}
    if args.sku:
        label = f"get_product({args.sku!r})"
        bare_url, bare_params = f"{url}/products/{args.sku}", None
    else:
        label = "list_products(per_page=1)"
        bare_url, bare_params = f"{url}/products", {"per_page": "1"}

    with (
        CupSourceClient(url, args.key, budget=None, max_retries=0) as client,
        httpx.Client(headers=headers) as bare,
    ):

        def via_client() -> object:
            if args.sku:
                return client.get_product(args.sku)
            return client.list_products(per_page=1)

        def via_httpx() -> object:
            response = bare.get(bare_url, params=bare_params)
            response.raise_for_status()
            return response.content

        samples = measure({"cupsource": via_client, "httpx": via_httpx}, args.n, args.warmup)
    if server is not None:
        server.shutdown()

    stats = {name: summarise(values) for name, values in samples.items()}
    target = "built-in stub" if args.stub else url
    print(f"{label} vs bare httpx GET against {target}, n={args.n} each (warm-up {args.warmup})")
    print(f"{'':>10} {'mean ms':>9} {'p50 ms':>9} {'p95 ms':>9}")
    for name, s in stats.items():
        print(f"{name:>10} {s['mean']:9.3f} {s['p50']:9.3f} {s['p95']:9.3f}")
    ratio = {k: stats["cupsource"][k] / stats["httpx"][k] for k in ("mean", "p50", "p95")}
    overhead_us = (stats["cupsource"]["mean"] - stats["httpx"]["mean"]) * 1000
    print(f"{'ratio':>10} {ratio['mean']:8.2f}x {ratio['p50']:8.2f}x {ratio['p95']:8.2f}x")
    print(f"client overhead: {overhead_us:+.0f} us per call (difference of the means)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
