"""The fault soak: N orders through the dashboard with every sandbox fault on, at 120/min.

Goal: 0 duplicates, 0 lost, every order in a final or actionable state.

    python bench/soak.py                     # 500 orders (~15 minutes), SQLite in a temp dir
    python bench/soak.py --quick             # 30 orders
    python bench/soak.py --database-url postgres://postgres@127.0.0.1:5432/bench_web_soak \\
        --cache-url redis://127.0.0.1:6379/14

The throwaway shop is bench/web.py's (its own database, the sandbox's 300 SKUs mirrored by a
real sync, a team address, buyers with passwords). The sandbox is then restarted with
SANDBOX_FAULTS (default: 500, 429, timeout, reset and bad_json drawn on every request, 50 ms of
latency on each, a fixed seed) and its access log on, and the production stack starts as
`make serve` runs it: gunicorn `-w 2` (debug off), the `default` and `catalog` task workers and
the scheduler (which sweeps queued and in-doubt orders every ORDERS_RETRY_INTERVAL = 15 s, and
refreshes tracking and the catalog as in production, on the same budget).

Buyers log in over HTTP and place the orders as people do, from one thread each, paced at
--rate orders a minute in all: the add-to-cart form POST (a cheap product, its minimum in
cases, rotating over 25 SKUs so no stock runs out), and the checkout form POST (ship-to address,
empty PO, CSRF token; the checkout page itself is opened once per buyer, for its form). The
checkout answers with a redirect to the order. Then the script waits (--settle-timeout) until
no order is being sent, queued or in doubt, stops everything, and counts from the two databases
(Cupboard's ledger and the sandbox's own orders and idempotency records) and the logs:

- states after the first attempt (the ledger event written by the checkout's own send) and
  final states;
- upstream POST /orders (sandbox access log), the faults injected by kind (its fault lines);
- duplicates: sandbox orders per reference, per idempotency key and per local order (all 1);
- lost: local orders accepted with no sandbox order (or a different one), sandbox orders no
  accepted local order accounts for (both 0);
- buyer-facing 5xx: statuses the buyers got, and gunicorn's access log.

Exit status 1 if a goal fails (duplicates, lost orders, an order not final or actionable, a
buyer-facing 5xx, an order the checkout did not place).
"""

from __future__ import annotations

import argparse
import re
import signal
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # (after the path tweak above)
    Browser,
    Processes,
    access_log_5xx,
    access_log_statuses,
    busy_note,
    clean_up,
    free_port,
    log_time,
    machine_summary,
    print_failure,
    sandbox_faults,
    sandbox_requests,
    start_stack,
    step,
)
from bench.web import (
    LIMIT,
    LOGS,
    PASSWORD,
    cheap_products,
    make_env,
    prepare_shop,
    start_sandbox,
)

FAULTS = "500=0.05,429=0.05,timeout=0.03,reset=0.05,bad_json=0.03,latency_ms=50,seed=7"
FINAL = {"accepted", "cancelled", "rejected"}
ACTIONABLE = {"needs_changes", "pending_approval"}  # the buyer or an approver acts next
PENDING = {"submitting", "queued", "in_doubt"}  # the worker acts next
SANDBOX_LOG = "sandbox-faults.log"


class Driver:
    """Buyers placing orders through the dashboard, one thread each, paced overall."""

    def __init__(self, base: str, buyers: int, products: list[dict], orders: int, rate: float):
        self.base, self.buyers, self.products = base, buyers, products
        self.orders, self.interval = orders, 60 / rate if rate else 0.0
        self.next_index = 0
        self.lock = threading.Lock()
        self.results: list[dict] = []
        self.errors: list[str] = []
        self.started = 0.0

    def run(self) -> None:
        self.started = time.monotonic()
        threads = [
            threading.Thread(target=self.buyer, args=(i,), daemon=True)
            for i in range(1, self.buyers + 1)
        ]
        for thread in threads:
            thread.start()
        last_report = time.monotonic()
        while any(thread.is_alive() for thread in threads):
            time.sleep(1)
            if time.monotonic() - last_report >= 30:
                last_report = time.monotonic()
                done = len(self.results)
                print(f"    … {last_report - self.started:4.0f} s: {done} checkouts answered")

    def take(self) -> int | None:
        with self.lock:
            if self.next_index >= self.orders:
                return None
            self.next_index += 1
            return self.next_index - 1

    def buyer(self, n: int) -> None:
        try:
            browser = Browser(self.base)
            browser.login(f"buyer{n}", PASSWORD)
            token = browser.csrf_token("/catalog/")
            address = None
            while (i := self.take()) is not None:
                wait = self.started + i * self.interval - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                product = self.products[i % len(self.products)]
                result = {"i": i, "buyer": n, "sku": product["sku"]}
                status, _, _ = browser.request(
                    "/cart/add/",
                    {
                        "csrfmiddlewaretoken": token,
                        "sku": product["sku"],
                        "qty": str(product["min_cases"]),
                        "unit": "cases",
                        "next": "/catalog/",
                    },
                )
                result["cart_status"] = status
                if address is None:  # the checkout page once, for its form's fields
                    status, _, page = browser.request("/checkout/")
                    result["checkout_page_status"] = status
                    address = _field(page, "address")
                    token = _field(page, "csrfmiddlewaretoken") or token
                started = time.monotonic()
                status, headers, _ = browser.request(
                    "/checkout/",
                    {
                        "csrfmiddlewaretoken": token,
                        "address": address or "",
                        "po_number": "",
                        "notes": "",
                    },
                )
                result["checkout_status"] = status
                result["seconds"] = time.monotonic() - started
                location = headers.get("Location", "")
                if status == 302 and location.startswith("/orders/"):
                    result["order_id"] = int(location.strip("/").split("/")[-1])
                with self.lock:
                    self.results.append(result)
        except Exception as exc:  # reported; the other buyers go on
            with self.lock:
                self.errors.append(f"buyer{n}: {type(exc).__name__}: {exc}")


def _field(page: str, name: str) -> str | None:
    match = re.search(rf'name="{name}" value="([^"]+)"', page)
    return match.group(1) if match else None


def ledger_counts() -> Counter:
    from django.db import connections

    from orders_app.models import Order

    counts = Counter(Order.objects.values_list("state", flat=True))
    connections.close_all()
    return counts


def settle(timeout: float, log: Path) -> float:
    """Wait until no order is being sent, queued or in doubt (or the timeout); seconds taken."""
    started = time.monotonic()
    last_report = started
    while True:
        counts = ledger_counts()
        pending = sum(counts[s] for s in PENDING)
        now = time.monotonic()
        if not pending:
            return now - started
        if now - started > timeout:
            print(f"    settle timeout after {timeout:.0f} s: {dict(counts)}")
            return now - started
        if now - last_report >= 30:
            last_report = now
            upstream = len(sandbox_requests(log))
            print(
                f"    … {now - started:4.0f} s settling: {dict(sorted(counts.items()))}; "
                f"{upstream} upstream requests so far"
            )
        time.sleep(3)


def analyse(results: list[dict]) -> dict:
    """Ledger, sandbox orders and idempotency records, read from the database."""
    from django.db import connections

    from orders_app.models import Order, OrderEvent
    from sandbox.models import IdempotencyRecord
    from sandbox.models import Order as SupplierOrder

    local = {
        o["pk"]: o
        for o in Order.objects.values(
            "pk",
            "state",
            "reference",
            "idempotency_key",
            "supplier_order_id",
            "attempts",
            "created_at",
            "accepted_at",
        )
    }
    first = {}
    for order_id, state in (
        OrderEvent.objects.exclude(state="submitting")
        .order_by("at", "pk")
        .values_list("order_id", "state")
    ):
        first.setdefault(order_id, state)
    supplier = list(SupplierOrder.objects.values_list("id", "reference"))
    keys = list(IdempotencyRecord.objects.values_list("key", "order_id", "response_status"))
    connections.close_all()

    by_reference = Counter(reference for _, reference in supplier)
    supplier_ids = {order_id for order_id, _ in supplier}
    reference_to_id = defaultdict(list)
    for order_id, reference in supplier:
        reference_to_id[reference].append(order_id)
    orders_per_key = Counter(str(key) for key, order_id, _ in keys if order_id)
    local_by_key = {str(o["idempotency_key"]): o for o in local.values()}
    local_by_reference = {o["reference"]: o for o in local.values()}

    duplicates = {
        "references with more than 1 sandbox order": sorted(
            r for r, n in by_reference.items() if n > 1
        ),
        "keys with more than 1 sandbox order": sorted(
            k for k, n in orders_per_key.items() if n > 1
        ),
        "local orders with more than 1 sandbox order": sorted(
            o["reference"] for o in local.values() if by_reference[o["reference"]] > 1
        ),
    }
    accepted = [o for o in local.values() if o["state"] == "accepted"]
    lost = {
        "accepted locally, no such sandbox order": sorted(
            o["reference"] for o in accepted if o["supplier_order_id"] not in supplier_ids
        ),
        "accepted locally as another sandbox order than its reference's": sorted(
            o["reference"]
            for o in accepted
            if reference_to_id.get(o["reference"]) != [o["supplier_order_id"]]
        ),
        "sandbox orders no accepted local order accounts for": sorted(
            order_id
            for order_id, reference in supplier
            if (mine := local_by_reference.get(reference)) is None
            or mine["state"] != "accepted"
            or mine["supplier_order_id"] != order_id
        ),
        "idempotency keys at the sandbox unknown locally": sorted(
            k for k, n in orders_per_key.items() if k not in local_by_key
        ),
    }
    placed_ids = {r["order_id"] for r in results if "order_id" in r}
    late = sorted(
        (o["accepted_at"] - o["created_at"]).total_seconds()
        for pk, o in local.items()
        if o["accepted_at"] and first.get(pk) != "accepted"
    )
    return {
        "late_acceptance": late,
        "local": local,
        "first": Counter(first.get(pk, "submitting") for pk in local),
        "final": Counter(o["state"] for o in local.values()),
        "attempts": Counter(o["attempts"] for o in local.values()),
        "supplier_orders": len(supplier),
        "duplicates": duplicates,
        "lost": lost,
        "checkouts_without_local_order": sorted(placed_ids - set(local)),
        "local_orders_no_checkout_reported": sorted(set(local) - placed_ids),
    }


def upstream_report(log: Path) -> dict:
    faults = sandbox_faults(log)
    # A reset drops the connection before the access log's line is written: add those.
    resets = [(t, method, path, "reset") for t, kind, method, path in faults if kind == "reset"]
    requests = sorted(sandbox_requests(log) + resets)
    endpoint = Counter()
    for _, method, path, status in requests:
        path = path.split("?")[0]
        if path.startswith("/v1/orders/"):
            path = "/v1/orders/{id}" + (
                "/tracking" if path.rstrip("/").endswith("tracking") else ""
            )
        endpoint[f"{method} {path} {status}"] += 1
    times = sorted(t for t, *_ in requests)
    busiest = max((sum(1 for u in times[i:] if u < t + 60) for i, t in enumerate(times)), default=0)
    injected_429 = sum(1 for _, kind, *_ in faults if kind == "429")
    all_429 = sum(1 for *_, status in requests if status == 429)  # injected ones included
    return {
        "requests": len(requests),
        "order_posts": sum(
            1 for _, m, p, _ in requests if m == "POST" and p.startswith("/v1/orders")
        ),
        "by_endpoint": endpoint,
        "faults": Counter(kind for _, kind, *_ in faults),
        "faults_on_post": Counter(kind for _, kind, m, _ in faults if m == "POST"),
        "limit_429": all_429 - injected_429,
        "busiest_60s": busiest,
        "span": (times[-1] - times[0]) if times else 0.0,
    }


TASK_LINE = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) .* Task id=(\S+) path=(\S+) state=(\w+)", re.M
)


def task_report(log: Path) -> dict[str, dict]:
    """Per task path in a worker's log: runs, total and longest seconds."""
    starts: dict[str, tuple[str, float]] = {}
    report: dict[str, dict] = defaultdict(lambda: {"runs": 0, "seconds": 0.0, "longest": 0.0})
    for stamp, task_id, path, state in TASK_LINE.findall(log.read_text(errors="replace")):
        at = log_time(stamp)
        if state == "RUNNING":
            starts[task_id] = (path, at)
        elif task_id in starts:
            path, began = starts.pop(task_id)
            row = report[path]
            row["runs"] += 1
            row["seconds"] += at - began
            row["longest"] = max(row["longest"], at - began)
    return dict(report)


def scheduled(log: Path) -> Counter:
    return Counter(re.findall(r"Scheduled (\S+)", log.read_text(errors="replace")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=500, help="orders to place (500)")
    parser.add_argument("--quick", action="store_true", help="30 orders")
    parser.add_argument("--buyers", type=int, default=10, help="buyers placing orders (10)")
    parser.add_argument("--rate", type=float, default=100, help="orders a minute in all (100)")
    parser.add_argument("--faults", default=FAULTS, help=f"SANDBOX_FAULTS (default {FAULTS})")
    parser.add_argument("--settle-timeout", type=float, default=1800, help="seconds (1800)")
    parser.add_argument("--database-url", help="use this (EMPTY, throwaway) database, not SQLite")
    parser.add_argument("--cache-url", help="shared cache, e.g. redis://127.0.0.1:6379/14")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    if args.quick:
        args.orders = 30
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # clean up on kill, as on Ctrl-C

    tmp = Path(tempfile.mkdtemp(prefix="cupboard-bench-soak-"))
    env = make_env(tmp, args.database_url, args.cache_url)
    print(f"Fault soak — {machine_summary()}")
    print(
        f"  {args.orders} orders by {args.buyers} buyers at {args.rate:g}/min; SANDBOX_FAULTS="
        f"{args.faults}; limit {LIMIT}/min; database: "
        f"{'given URL' if args.database_url else 'SQLite'}; shared cache: "
        f"{'given URL' if args.cache_url else 'database table'}; work dir {tmp}"
    )
    if note := busy_note():
        print(f"  {note}")
    procs = Processes()
    code = 0
    try:
        sandbox = prepare_shop(env, tmp, procs, args.buyers)
        products = cheap_products(25)
        procs.stop(sandbox)
        start_sandbox(procs, env, tmp, faults=args.faults, log_name=SANDBOX_LOG)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        stack = step(
            "gunicorn -w 2, two task workers, scheduler", start_stack, procs, env, tmp, port
        )
        driver = Driver(base, args.buyers, products, args.orders, args.rate)
        print(f"  placing {args.orders} orders …")
        started = time.monotonic()
        driver.run()
        placing = time.monotonic() - started
        print(f"  placed in {placing:.0f} s; waiting for the worker to settle every order …")
        settling = settle(args.settle_timeout, tmp / SANDBOX_LOG)
        for name in ("scheduler", "worker-default", "worker-catalog", "gunicorn"):
            procs.stop(stack[name])
        result = analyse(driver.results)
        upstream = upstream_report(tmp / SANDBOX_LOG)
        upstream["tasks"] = task_report(tmp / "worker-default.log")
        upstream["scheduled"] = scheduled(tmp / "scheduler.log")
        code = report(args, driver, result, upstream, tmp, placing, settling)
        if note := busy_note():
            print(f"  {note}")
    except KeyboardInterrupt:
        print("\nInterrupted; stopping everything.", file=sys.stderr)
        return 130
    except Exception as exc:
        print_failure(exc, [tmp / name for name in (*LOGS, SANDBOX_LOG)])
        return 1
    finally:
        clean_up(procs, tmp, keep=args.keep)
    return code


def report(args, driver: Driver, result: dict, upstream: dict, tmp: Path, placing, settling):
    results = driver.results
    statuses = Counter(r["checkout_status"] for r in results)
    cart = Counter(r["cart_status"] for r in results)
    buyer_5xx = [r for r in results if r["checkout_status"] >= 500 or r["cart_status"] >= 500]
    access_5xx = access_log_5xx(tmp / "access.log")
    placed = sum(1 for r in results if "order_id" in r)
    seconds = sorted(r["seconds"] for r in results)
    p = lambda q: seconds[min(len(seconds) - 1, int(q * len(seconds)))] if seconds else 0.0  # noqa: E731
    final = result["final"]
    not_settled = {s: n for s, n in final.items() if s not in FINAL | ACTIONABLE}
    duplicates = sum(len(v) for v in result["duplicates"].values())
    lost = sum(len(v) for v in result["lost"].values())

    print(f"\nResults ({args.orders} orders; placing {placing:.0f} s, settling {settling:.0f} s):")
    print(
        f"  checkouts: {len(results)} answered, {placed} redirected to their order; statuses "
        f"{dict(statuses)} (add to cart {dict(cart)}); checkout POST p50 {p(0.5):.2f} s, "
        f"p95 {p(0.95):.2f} s, max {seconds[-1] if seconds else 0:.2f} s"
    )
    if driver.errors:
        print(f"  driver errors: {driver.errors[:5]}")
    print(f"  local orders: {len(result['local'])}; at the sandbox: {result['supplier_orders']}")
    print(f"  after the first attempt: {dict(result['first'].most_common())}")
    print(f"  final: {dict(final.most_common())}; attempts per order: "
          f"{dict(sorted(result['attempts'].items()))}")  # fmt: skip
    print(
        f"  upstream (sandbox access log + resets, {upstream['span'] / 60:.1f} min): "
        f"{upstream['requests']} requests, {upstream['order_posts']} POST /orders; "
        f"busiest 60 s {upstream['busiest_60s']} "
        f"(key limit {LIMIT}); 429s from the real limit: {upstream['limit_429']}"
    )
    print(f"    by endpoint and status: {dict(sorted(upstream['by_endpoint'].items()))}")
    print(
        f"  faults injected: {dict(upstream['faults'].most_common())} "
        f"(on POST /orders: {dict(upstream['faults_on_post'].most_common())})"
    )
    late = result["late_acceptance"]
    if late:
        print(
            f"  orders not accepted at once ({len(late)}): accepted after p50 "
            f"{late[len(late) // 2]:.0f} s, "
            f"p95 {late[min(len(late) - 1, int(0.95 * len(late)))]:.0f} s, max {late[-1]:.0f} s"
        )
    print(
        "  default-queue tasks (runs, total s, longest s): "
        + "; ".join(
            f"{path.rsplit('.', 1)[-1]} {row['runs']}, {row['seconds']:.0f}, {row['longest']:.0f}"
            for path, row in sorted(upstream["tasks"].items())
        )
        + f"; scheduled by the scheduler: {dict(upstream['scheduled'])}"
    )
    print(f"  duplicates: {duplicates}  {_nonempty(result['duplicates'])}")
    print(f"  lost: {lost}  {_nonempty(result['lost'])}")
    if result["checkouts_without_local_order"] or result["local_orders_no_checkout_reported"]:
        print(
            f"  checkout/ledger mismatch: redirected to missing orders "
            f"{result['checkouts_without_local_order'][:10]}; orders no checkout answered with "
            f"{result['local_orders_no_checkout_reported'][:10]}"
        )
    print(
        f"  buyer-facing 5xx: {len(buyer_5xx)} seen by buyers; gunicorn access log "
        f"{dict(sorted(access_log_statuses(tmp / 'access.log').items()))}, 5xx lines "
        f"{len(access_5xx)}"
    )
    for line in access_5xx[:5]:
        print(f"    {line}")
    goals = {
        "every order placed (a redirect to it)": placed == args.orders,
        "0 duplicates": duplicates == 0,
        "0 lost": lost == 0,
        "every order final or actionable": not not_settled and len(result["local"]) == placed,
        "0 buyer-facing 5xx": not buyer_5xx and not access_5xx,
    }
    for goal, met in goals.items():
        print(f"  {goal}: {'met' if met else 'NOT met'}")
    if not_settled:
        print(f"    still with the worker: {not_settled}")
    if upstream["limit_429"]:
        print(f"  note: {upstream['limit_429']} answers were 429 from the sandbox's real limit")
    return 0 if all(goals.values()) else 1


def _nonempty(groups: dict[str, list]) -> str:
    shown = {name: items[:5] for name, items in groups.items() if items}
    return str(shown) if shown else ""


if __name__ == "__main__":
    raise SystemExit(main())
