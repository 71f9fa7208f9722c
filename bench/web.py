"""The dashboard under load as production runs it: add to cart, 200 tracking viewers, memory.

    python bench/web.py                      # SQLite in a temp dir; ~5 minutes
    python bench/web.py --quick              # a smoke test (short runs, 6 orders, 40 viewers)
    python bench/web.py --database-url postgres://postgres@127.0.0.1:5432/bench_web_1 \\
        --cache-url redis://127.0.0.1:6379/13     # an EMPTY PostgreSQL database and Redis

Everything happens in a throwaway directory: its own database (migrated, the sandbox seeded with
its default 300 SKUs, the mirror filled by a real `sync_catalog`), a team address and N buyers
with passwords. The sandbox serves at its real limit (SANDBOX_RATE_LIMIT = CUPSOURCE_RATE_LIMIT
= 120) with its access log on, so every upstream request is counted where it arrives. Then the
stack `make serve` runs (scripts/serve.sh): gunicorn `-w 2` with debug off and an access log,
the `default` and `catalog` task workers and the scheduler. Buyers log in over HTTP (login
form, CSRF) and everything below goes through gunicorn.

1. Add to cart: wrk (2 threads, 16 connections) POSTs the product page's real add-to-cart form
   (`csrfmiddlewaretoken`, `sku`, `qty` in cases, `unit`, `next`) with each buyer's session and
   CSRF cookies, requests rotating over buyers and SKUs from a Lua script: once as htmx does
   (`HX-Request`, the form fragment back), once as a plain form (302 back to the page). Each
   after a warm-up; carts are emptied between runs. wrk measures: it is C on an event loop, so
   the driver takes far less of the two cores than a Python driver would (it still shares them).
2. Tracking: N orders placed for real (add to cart, the checkout page, the checkout form POST)
   by the buyers in turn, then a wait until the sandbox's scaled clock has them all shipped
   (picked up 2 simulated hours after placing). wrk with 200 connections requests the tracking
   pages of those orders back to back, alternating the full page and the htmx poll the page
   makes every 30 s (same URL with `HX-Request`: the panel only), each with its buyer's cookies.
   Upstream tracking calls are counted in the sandbox's access log during the run: per minute,
   against the design ceiling (one fetch per order per minute: N a minute) and the key's 120.
   The sandbox's time scale is lowered if needed so that no order is delivered before the end.
3. Memory: VmRSS and VmHWM of each gunicorn worker (the master's children) after the warm-up,
   after the add-to-cart runs and after the tracking run, and of the task workers and scheduler.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter, defaultdict
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # (after the path tweak above)
    MANAGE,
    PYTHON,
    Browser,
    Processes,
    access_log_5xx,
    access_log_statuses,
    bench_env,
    busy_note,
    clean_up,
    free_port,
    gunicorn_workers_memory,
    machine_summary,
    manage,
    mib,
    print_failure,
    proc_status_kb,
    sandbox_log_settings,
    sandbox_requests,
    start_stack,
    step,
    wait_for_http,
)

API_KEY = "bench-web-key-0123456789abcdef"
PASSWORD = "bench-web-Pa55word"
LIMIT = 120  # the key's requests a minute (the real one)
SCALE = 120.0  # the sandbox's default: simulated seconds per real second
PICKUP_H, DELIVERED_H = 2, 8  # sandbox/tracking.py: picked up at 2 h, delivered at 8 h
TRACKING_PATH = re.compile(r"^/v1/orders/([^/]+)/tracking/?$")
LOGS = ("gunicorn.log", "worker-default.log", "worker-catalog.log", "scheduler.log", "sandbox.log")


# --- the throwaway shop ----------------------------------------------------------------------


def make_env(tmp: Path, database_url: str | None, cache_url: str | None, **extra: str) -> dict:
    port = free_port()
    env = bench_env(
        database_url or f"sqlite:///{tmp / 'bench.sqlite3'}",
        CUPSOURCE_API_KEY=API_KEY,
        CUPSOURCE_API_URL=f"http://127.0.0.1:{port}/v1",
        CUPSOURCE_RATE_LIMIT=str(LIMIT),
        SANDBOX_RATE_LIMIT=str(LIMIT),
        SANDBOX_PORT=str(port),
        LOG_LEVEL="INFO",  # the client logs one line per upstream request
        LOG_FORMAT="plain",
        DJANGO_SETTINGS_MODULE="dashboard.settings",
        **extra,
    )
    if cache_url:
        env["CACHE_URL"] = cache_url
    return env


def start_sandbox(
    procs: Processes, env: dict, tmp: Path, faults: str = "", log_name: str = "sandbox.log"
):
    """`manage.py sandbox_serve` with its access log on (and SANDBOX_FAULTS if given)."""
    sandbox_env = {**env, **sandbox_log_settings(tmp), "SANDBOX_FAULTS": faults}
    log = tmp / log_name
    port = env["SANDBOX_PORT"]
    proc = procs.start([PYTHON, MANAGE, "sandbox_serve", "--port", port], env=sandbox_env, log=log)
    wait_for_http(f"http://127.0.0.1:{port}/v1/openapi.json", proc=proc, log=log)
    return proc


def prepare_shop(env: dict, tmp: Path, procs: Processes, buyers: int):
    """Migrate, seed the sandbox, mirror its catalog with a real sync (the sandbox left
    running, no faults), and create the buyers and a team address. Returns the sandbox."""
    step("migrate", manage, env, "migrate", "--no-input", "-v", "0")
    step("createcachetable", manage, env, "createcachetable")
    step("sandbox_seed (300 SKUs)", manage, env, "sandbox_seed")
    step("sandbox_create_key", manage, env, "sandbox_create_key", "--key", API_KEY)
    sandbox = start_sandbox(procs, env, tmp)
    step("sync_catalog (real sync at 120/min)", manage, env, "sync_catalog", "-v", "0")
    django_setup(env)
    step(f"{buyers} buyers and an address", create_buyers, buyers)
    return sandbox


def django_setup(env: dict) -> None:
    os.environ.update(env)
    warnings.filterwarnings("ignore", "No directory at")  # no collectstatic: not needed here
    import django

    django.setup()


def create_buyers(n: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connections

    from orders_app.models import Address

    Address.objects.create(
        label="Bench café", line1="1 Bench Street", city="Portland", state="OR", zip="97201"
    )
    users = get_user_model()
    for i in range(1, n + 1):
        users.objects.create_user(f"buyer{i}", password=PASSWORD)
    connections.close_all()


def cheap_products(n: int) -> list[dict]:
    """The n available products whose smallest order is cheapest (far below the approval
    threshold) with the most stock to spare: sku, min_cases."""
    from django.db import connections

    from catalog_app.models import Product

    rows = []
    for p in Product.objects.available():
        least = p.min_cases * p.case_pack
        if p.stock >= 50 * least:
            rows.append((least * p.unit_price, p.sku, p.min_cases))
    connections.close_all()
    rows.sort()
    if len(rows) < n:
        raise RuntimeError(f"only {len(rows)} products fit; need {n}")
    return [{"sku": sku, "min_cases": cases} for _, sku, cases in rows[:n]]


def log_in(base: str, buyers: int) -> list[Browser]:
    browsers = []
    for i in range(1, buyers + 1):
        browser = Browser(base)
        browser.login(f"buyer{i}", PASSWORD)
        browser.token = browser.csrf_token("/catalog/")  # the form token after login's rotation
        browsers.append(browser)
    return browsers


def place_order(browser: Browser, product: dict) -> tuple[int, int, float]:
    """Add to cart, open the checkout page, POST its form, as a buyer does; (order id,
    status of the POST, seconds the POST took)."""
    status, _, body = browser.request(
        "/cart/add/",
        {
            "csrfmiddlewaretoken": browser.token,
            "sku": product["sku"],
            "qty": str(product["min_cases"]),
            "unit": "cases",
            "next": "/catalog/",
        },
    )
    if status != 302:
        raise RuntimeError(f"add to cart answered {status}:\n{body[:500]}")
    status, _, page = browser.request("/checkout/")
    address = re.search(r'name="address" value="(\d+)"', page)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if status != 200 or not address or not token:
        raise RuntimeError(f"the checkout page answered {status}:\n{page[:800]}")
    started = time.perf_counter()
    status, headers, body = browser.request(
        "/checkout/",
        {
            "csrfmiddlewaretoken": token.group(1),
            "address": address.group(1),
            "po_number": "",
            "notes": "",
        },
    )
    elapsed = time.perf_counter() - started
    match = re.fullmatch(r"/orders/(\d+)/", headers.get("Location", ""))
    if status != 302 or not match:
        return 0, status, elapsed
    return int(match.group(1)), status, elapsed


# --- wrk with a Lua script -------------------------------------------------------------------

LUA = """
local entries = {%(entries)s}
local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  statuses = {}
  prepared = {}
  for i, e in ipairs(entries) do
    prepared[i] = wrk.format(e[1], e[2], e[3], e[4])
  end
  n = (id * 7) %% #prepared
end

function request()
  n = n %% #prepared + 1
  return prepared[n]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%%d duration_us=%%d p50=%%d p95=%%d p99=%%d max=%%d mean=%%d " ..
    "connect=%%d read=%%d write=%%d timeout=%%d status=%%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean, e.connect, e.read, e.write,
    e.timeout, e.status))
  local counts = {}
  for _, t in ipairs(threads) do
    for code, k in pairs(t:get("statuses")) do counts[code] = (counts[code] or 0) + k end
  end
  for code, k in pairs(counts) do io.write(string.format("STATUS %%d %%d\\n", code, k)) end
end
"""


def lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def lua_script(entries: list[tuple[str, str, dict[str, str], str | None]]) -> str:
    """A wrk script that sends `entries` (method, path, headers, body) round-robin, each thread
    from its own offset, and prints percentiles and the count of each status."""
    rows = []
    for method, path, headers, body in entries:
        header_table = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items())
        body_text = lua_string(body) if body is not None else "nil"
        rows.append(
            f"{{{lua_string(method)}, {lua_string(path)}, {{{header_table}}}, {body_text}}}"
        )
    return LUA % {"entries": ",\n  ".join(rows)}


def run_wrk(base: str, script: Path, *, threads: int, connections: int, duration: float) -> dict:
    args = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration:g}s",
        "--timeout",
        "60s",  # slow answers count in the latencies instead of as socket timeouts
        "-s",
        str(script),
        base + "/",
    ]
    started = time.time()
    result = subprocess.run(
        args, capture_output=True, text=True, timeout=duration + 120, check=False
    )
    ended = time.time()
    match = re.search(
        r"RESULT requests=(\d+) duration_us=(\d+) p50=(\d+) p95=(\d+) p99=(\d+) max=(\d+) "
        r"mean=(\d+) connect=(\d+) read=(\d+) write=(\d+) timeout=(\d+) status=(\d+)",
        result.stdout,
    )
    if result.returncode != 0 or not match:
        raise RuntimeError(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    values = [int(v) for v in match.groups()]
    requests, duration_us = values[0], values[1]
    statuses = {int(c): int(k) for c, k in re.findall(r"^STATUS (\d+) (\d+)$", result.stdout, re.M)}
    return {
        "requests": requests,
        "rps": requests / (duration_us / 1e6) if duration_us else 0.0,
        "p50": values[2] / 1000,
        "p95": values[3] / 1000,
        "p99": values[4] / 1000,
        "max": values[5] / 1000,
        "mean": values[6] / 1000,
        "socket_errors": dict(
            zip(("connect", "read", "write", "timeout"), values[7:11], strict=True)
        ),
        "statuses": statuses,
        "started": started,
        "ended": ended,
    }


def cart_add_entries(browsers: list[Browser], products: list[dict], htmx: bool) -> list:
    entries = []
    for i, browser in enumerate(browsers):
        for j in range(5):
            product = products[(i * 5 + j) % len(products)]
            body = urlencode(
                {
                    "csrfmiddlewaretoken": browser.token,
                    "sku": product["sku"],
                    "next": "/catalog/",
                    "qty": str(product["min_cases"]),
                    "unit": "cases",
                }
            )
            headers = {
                "Cookie": browser.cookie_header,
                "Content-Type": "application/x-www-form-urlencoded",
            }
            if htmx:
                headers.update(
                    {
                        "HX-Request": "true",
                        "HX-Current-URL": f"{browser.base}/catalog/",
                        "HX-Target": f"add-{product['sku'].lower()}",
                    }
                )
            entries.append(("POST", "/cart/add/", headers, body))
    return entries


def tracking_entries(orders: list[tuple[int, Browser]]) -> list:
    entries = []
    for order_id, browser in orders:
        path = f"/orders/{order_id}/tracking/"
        cookie = {"Cookie": browser.cookie_header}
        entries.append(("GET", path, cookie, None))
        htmx = {
            **cookie,
            "HX-Request": "true",
            "HX-Target": "tracking-panel",
            "HX-Trigger": "tracking-panel",
            "HX-Current-URL": browser.base + path,
        }
        entries.append(("GET", path, htmx, None))
    return entries


def urlencode(data: dict[str, str]) -> str:
    import urllib.parse

    return urllib.parse.urlencode(data)


def empty_carts() -> None:
    from django.db import connections

    from orders_app.models import CartLine

    CartLine.objects.all().delete()
    connections.close_all()


# --- upstream calls, counted at the sandbox --------------------------------------------------


def upstream(log: Path, start: float, end: float, orders: int) -> dict:
    """Requests the sandbox logged between `start` and `end`: tracking calls per minute and per
    order, every call per minute, and the statuses."""
    requests = [r for r in sandbox_requests(log) if start <= r[0] < end]
    tracking = [
        (t, TRACKING_PATH.match(p).group(1)) for t, _, p, _ in requests if TRACKING_PATH.match(p)
    ]
    minutes = (end - start) / 60
    full_minutes = int((end - start) // 60)
    per_minute_tracking = [
        sum(1 for t, _ in tracking if start + 60 * m <= t < start + 60 * (m + 1))
        for m in range(full_minutes)
    ]
    per_minute_all = [
        sum(1 for r in requests if start + 60 * m <= r[0] < start + 60 * (m + 1))
        for m in range(full_minutes)
    ]
    by_order: dict[str, list[float]] = defaultdict(list)
    for t, order_id in tracking:
        by_order[order_id].append(t)
    gaps = [b - a for times in by_order.values() for a, b in pairwise(times)]
    most_in_a_minute = 0
    for times in by_order.values():
        for i, t in enumerate(times):
            most_in_a_minute = max(most_in_a_minute, sum(1 for u in times[i:] if u < t + 60))
    times_all = sorted(r[0] for r in requests)
    return {
        "seconds": end - start,
        "tracking": len(tracking),
        "tracking_per_min": len(tracking) / minutes if minutes else 0.0,
        "per_minute_tracking": per_minute_tracking,
        "per_minute_all": per_minute_all,
        "all": len(requests),
        "all_per_min": len(requests) / minutes if minutes else 0.0,
        "busiest_60s_all": busiest(times_all),
        "busiest_60s_tracking": busiest(sorted(t for t, _ in tracking)),
        "orders_fetched": len(by_order),
        "orders": orders,
        "most_per_order_in_60s": most_in_a_minute,
        "min_gap": min(gaps) if gaps else None,
        "by_endpoint": Counter(
            f"{m} {re.sub(r'/orders/[^/?]+', '/orders/{id}', p.split('?')[0])} {s}"
            for _, m, p, s in requests
        ),
    }


def busiest(times: list[float]) -> int:
    """The most of these (sorted) times that fall in any 60 s."""
    return max((sum(1 for u in times[i:] if u < t + 60) for i, t in enumerate(times)), default=0)


# --- memory ----------------------------------------------------------------------------------


def memory(stack: dict) -> dict:
    workers = gunicorn_workers_memory(stack["gunicorn"].pid)
    others = {
        name: (proc.pid, proc_status_kb(proc.pid, "VmRSS"), proc_status_kb(proc.pid, "VmHWM"))
        for name, proc in stack.items()
        if name != "gunicorn"
    }
    return {"gunicorn": workers, **others}


def memory_line(label: str, snapshot: dict) -> str:
    parts = [
        f"worker {pid}: RSS {mib(rss)} (peak {mib(hwm)})" for pid, rss, hwm in snapshot["gunicorn"]
    ]
    parts += [
        f"{name}: RSS {mib(value[1])} (peak {mib(value[2])})"
        for name, value in snapshot.items()
        if name != "gunicorn"
    ]
    return f"  {label}: " + "; ".join(parts)


# --- the run ---------------------------------------------------------------------------------


def print_wrk(label: str, r: dict) -> None:
    errors = {k: v for k, v in r["socket_errors"].items() if v}
    print(
        f"  {label:<26} {r['rps']:8.1f} {r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f} "
        f"{r['max']:8.1f} {r['requests']:9d}  {dict(sorted(r['statuses'].items()))}"
        + (f"  socket errors {errors}" if errors else "")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="use this (EMPTY, throwaway) database, not SQLite")
    parser.add_argument("--cache-url", help="shared cache, e.g. redis://127.0.0.1:6379/13")
    parser.add_argument("--buyers", type=int, default=8, help="logged-in buyers (default 8)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections, cart add")
    parser.add_argument("--duration", type=float, default=30, help="seconds per cart-add run")
    parser.add_argument("--tracking-duration", type=float, default=90, help="tracking seconds")
    parser.add_argument("--viewers", type=int, default=200, help="tracking connections (200)")
    parser.add_argument("--orders", type=int, default=20, help="orders to track (20)")
    parser.add_argument("--warmup", type=float, default=5, help="seconds of warm-up per run")
    parser.add_argument("--quick", action="store_true", help="10-s runs, 6 orders, 40 viewers")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.tracking_duration, args.orders, args.viewers = 10, 20, 6, 40
        args.warmup = 3
    if shutil.which("wrk") is None:
        print("wrk is not installed: `apt-get install -y wrk`, then run again.", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # clean up on kill, as on Ctrl-C

    # No order may be delivered before the tracking run ends: the shipped stretch (2 h to 8 h
    # simulated) must outlast the run plus placing the orders and the warm-up.
    window = args.tracking_duration + args.warmup + 60
    scale = min(SCALE, (DELIVERED_H - PICKUP_H) * 3600 / window)
    tmp = Path(tempfile.mkdtemp(prefix="cupboard-bench-web-"))
    env = make_env(tmp, args.database_url, args.cache_url, SANDBOX_TIME_SCALE=f"{scale:g}")
    print(f"The dashboard under load — {machine_summary()}")
    print(
        f"  database: {'given URL' if args.database_url else 'SQLite'}; shared cache: "
        f"{'given URL' if args.cache_url else 'database table'}; work dir {tmp}"
    )
    if note := busy_note():
        print(f"  {note}")
    procs = Processes()
    try:
        prepare_shop(env, tmp, procs, args.buyers)
        products = cheap_products(max(10, args.buyers * 5 // 2))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        stack = step(
            "gunicorn -w 2, two task workers, scheduler",
            start_stack,
            procs,
            env,
            tmp,
            port,
        )
        browsers = step(f"log {args.buyers} buyers in over HTTP", log_in, base, args.buyers)

        # 1. add to cart
        wrk_opts = {"threads": 2, "connections": args.connections}
        scripts = {}
        for htmx in (True, False):
            script = tmp / f"cart-add-{'htmx' if htmx else 'plain'}.lua"
            script.write_text(lua_script(cart_add_entries(browsers, products, htmx)))
            scripts[htmx] = script
        print(
            f"  add to cart: wrk -t2 -c{args.connections} -d{args.duration:g}s, "
            f"{args.buyers} buyers x 5 SKUs, warm-up {args.warmup:g} s each"
        )
        for htmx in (True, False):
            run_wrk(base, scripts[htmx], duration=args.warmup, **wrk_opts)
            empty_carts()
        memory_warm = memory(stack)
        cart_runs = {}
        for htmx in (True, False):
            cart_runs[htmx] = run_wrk(base, scripts[htmx], duration=args.duration, **wrk_opts)
            empty_carts()
        memory_cart = memory(stack)

        # 2. tracking
        placed = []
        slow_posts = []
        print(f"  placing {args.orders} orders through checkout (sandbox time x{scale:g}) …")
        for i in range(args.orders):
            browser = browsers[i % len(browsers)]
            order_id, status, seconds = place_order(browser, products[i % len(products)])
            if not order_id:
                raise RuntimeError(f"checkout POST answered {status}, not a redirect to the order")
            placed.append((order_id, browser))
            slow_posts.append(seconds)
        shipped_at = wait_until_shipped([o for o, _ in placed], scale)
        script = tmp / "tracking.lua"
        script.write_text(lua_script(tracking_entries(placed)))
        viewers = {"threads": 2, "connections": args.viewers}
        print(
            f"  orders placed (checkout POST median {statistics.median(slow_posts) * 1000:.0f} "
            f"ms) and all shipped {shipped_at:.0f} s after the first; tracking: wrk -t2 "
            f"-c{args.viewers} -d{args.tracking_duration:g}s over {len(placed)} orders x "
            "(page, htmx poll)"
        )
        tracking_run = run_wrk(base, script, duration=args.tracking_duration, **viewers)
        memory_tracking = memory(stack)
        statuses_in_db = order_states([o for o, _ in placed])
        stats = upstream(
            tmp / "sandbox.log", tracking_run["started"], tracking_run["ended"], len(placed)
        )

        print("\nResults (latencies in ms; wrk's own percentiles over every request):")
        print(
            f"  {'':26} {'req/s':>8} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8} {'requests':>9}"
            "  statuses"
        )
        print_wrk("cart add (htmx)", cart_runs[True])
        print_wrk("cart add (plain form)", cart_runs[False])
        print_wrk(f"tracking, {args.viewers} viewers", tracking_run)
        print(
            f"  upstream during the tracking run ({stats['seconds']:.0f} s), counted in the "
            f"sandbox's access log:"
        )
        print(
            f"    tracking calls: {stats['tracking']} = {stats['tracking_per_min']:.1f}/min "
            f"(whole minutes: {stats['per_minute_tracking']}; busiest 60 s: "
            f"{stats['busiest_60s_tracking']}); design ceiling {stats['orders']} in any 60 s "
            f"(1 per order per minute): "
            f"{'within' if stats['busiest_60s_tracking'] <= stats['orders'] else 'OVER'}"
        )
        print(
            f"    per order: {stats['orders_fetched']} of {stats['orders']} orders fetched; at "
            f"most {stats['most_per_order_in_60s']} fetch(es) of one order in any 60 s; "
            f"shortest gap between two fetches of one order "
            f"{'n/a' if stats['min_gap'] is None else f'{stats["min_gap"]:.2f} s'}"
        )
        print(
            f"    every upstream call: {stats['all']} = {stats['all_per_min']:.1f}/min (whole "
            f"minutes: {stats['per_minute_all']}; busiest 60 s: {stats['busiest_60s_all']}) "
            f"against the key's {LIMIT}/min"
        )
        print(f"    by endpoint and status: {dict(sorted(stats['by_endpoint'].items()))}")
        print(f"  orders after the run: {statuses_in_db}")
        print("Memory (VmRSS now, VmHWM peak):")
        print(memory_line("after warm-up", memory_warm))
        print(memory_line("after cart add", memory_cart))
        print(memory_line("after tracking", memory_tracking))
        codes = access_log_statuses(tmp / "access.log")
        errors_5xx = access_log_5xx(tmp / "access.log")
        print(f"  gunicorn access log: {dict(sorted(codes.items()))}; 5xx lines: {len(errors_5xx)}")
        for line in errors_5xx[:5]:
            print(f"    {line}")
        if note := busy_note():
            print(f"  {note}")
        failed = (
            bool(errors_5xx)
            or stats["most_per_order_in_60s"] > 1
            or stats["busiest_60s_tracking"] > stats["orders"]
            or stats["busiest_60s_all"] > LIMIT
        )
        return 1 if failed else 0
    except KeyboardInterrupt:
        print("\nInterrupted; stopping everything.", file=sys.stderr)
        return 130
    except Exception as exc:
        print_failure(exc, [tmp / name for name in LOGS])
        return 1
    finally:
        clean_up(procs, tmp, keep=args.keep)


def wait_until_shipped(order_ids: list[int], scale: float) -> float:
    """Sleep until the sandbox's clock has every order picked up; seconds from the first
    order's creation at the sandbox to the last pickup."""
    from django.db import connections

    from orders_app.models import Order
    from sandbox.models import Order as SandboxOrder

    supplier_ids = list(
        Order.objects.filter(pk__in=order_ids, state=Order.State.ACCEPTED).values_list(
            "supplier_order_id", flat=True
        )
    )
    if len(supplier_ids) != len(order_ids):
        raise RuntimeError(f"only {len(supplier_ids)} of {len(order_ids)} orders were accepted")
    created = list(
        SandboxOrder.objects.filter(id__in=supplier_ids).values_list("created_at", flat=True)
    )
    connections.close_all()
    first, last = min(created).timestamp(), max(created).timestamp()
    pickup = last + PICKUP_H * 3600 / scale + 1
    time.sleep(max(0.0, pickup - time.time()))
    return pickup - first


def order_states(order_ids: list[int]) -> dict:
    from django.db import connections

    from orders_app.models import Order

    rows = Counter(Order.objects.filter(pk__in=order_ids).values_list("state", "supplier_status"))
    connections.close_all()
    return {f"{state}/{status or '-'}": n for (state, status), n in sorted(rows.items())}


if __name__ == "__main__":
    raise SystemExit(main())
