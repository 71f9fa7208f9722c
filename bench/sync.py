"""A full catalog sync from the sandbox at its real rate limit: time against the floor, 429s, and
peak memory at two catalog sizes.

    python bench/sync.py                 # 5,000 then 50,000 SKUs at 120 requests/min (~6 min)
    python bench/sync.py --products 50000
    python bench/sync.py --quick         # 2,000 and 5,000 SKUs at 1,200/min (smoke test)

For each size, in its own temporary directory and SQLite database: migrate, seed the sandbox
with N generated SKUs, register an API key, start `manage.py sandbox_serve` on a free loopback
port with SANDBOX_RATE_LIMIT, then run `manage.py sync_catalog` with CUPSOURCE_RATE_LIMIT set to
the same figure and time it. The sync pages through GET /products 100 at a time, so N SKUs take
ceil(N / 100) requests. Reported against three lower bounds:

- the sandbox's floor: pages / limit minutes (what the server's own limit allows);
- the client's floor: pages / (limit - 20) minutes (the budget keeps 20 requests a minute free
  for people waiting on a page, so background work gets limit - 20);
- the sliding-window minimum: the budget's window is a full 61 s (60 + 1 s safety margin) and
  starts empty, so the first limit - 20 pages go at once and each later batch one window after
  the previous: (ceil(pages / (limit - 20)) - 1) x 61 s, plus the time to fetch and apply.

429s are counted twice: in the sandbox's log (the `django.server` warning for each 4xx) and in
the client's `cupsource` log lines (`-> 429`). Peak memory is the sync process's own RSS
high-water mark (`os.wait4` rusage), so it excludes the seeding and the sandbox server.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import signal
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # (after the path tweak above)
    MANAGE,
    PYTHON,
    Processes,
    bench_env,
    busy_note,
    clean_up,
    free_port,
    machine_summary,
    manage,
    mib,
    proc_status_kb,
    tail,
    wait_for_http,
)

API_KEY = "bench-sync-key-0123456789"
PER_PAGE = 100  # catalog_app.services.PER_PAGE
INTERACTIVE_RESERVE = 20  # cupsource.budget.SlidingWindowBudget default
WINDOW_S = 61.0  # 60 s window + 1 s safety margin
FLAT = 1.10  # "flat": peak RSS at the largest size within 10 % of the smallest
LOG_LINE = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) INFO (?:\[[^\]]*\] )?cupsource "
    r"GET /products -> (\S+) in",
    re.M,
)


def floors(pages: int, limit: int) -> dict[str, float]:
    background = limit - INTERACTIVE_RESERVE
    return {
        "sandbox": pages / limit * 60,
        "client": pages / background * 60,
        "window": (math.ceil(pages / background) - 1) * WINDOW_S,
    }


def run_sync(env: dict[str, str], tmp: Path, timeout: float) -> dict:
    """Run `manage.py sync_catalog` to completion; its elapsed time and peak RSS."""
    log = tmp / "sync.log"
    procs = Processes()
    started_wall, started = time.time(), time.monotonic()
    proc = procs.start([PYTHON, MANAGE, "sync_catalog", "-v", "0"], env=env, log=log)
    hwm = 0
    next_report = started + 30
    try:
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            now = time.monotonic()
            if pid:
                proc.returncode = os.waitstatus_to_exitcode(status)
                break
            hwm = max(hwm, proc_status_kb(proc.pid, "VmHWM") or 0)
            if now - started > timeout:
                raise RuntimeError(f"sync still running after {timeout:.0f} s; stopped it")
            if now >= next_report:
                pages = len(LOG_LINE.findall(log.read_text(errors="replace")))
                print(f"    … {now - started:5.0f} s: {pages} page requests, RSS peak {mib(hwm)}")
                next_report += 30
            time.sleep(0.25)
    finally:
        procs.stop_all()
    elapsed = time.monotonic() - started
    if proc.returncode != 0:
        raise RuntimeError(f"sync_catalog exited {proc.returncode}:\n{tail(log)}")
    return {
        "elapsed": elapsed,
        "started_wall": started_wall,
        "maxrss_kb": usage.ru_maxrss,  # kB on Linux; this child only
        "hwm_kb": hwm,
        "log": log,
    }


def client_log(log: Path) -> tuple[Counter, float | None]:
    """Page requests by result, and the wall time of the last one."""
    results: Counter = Counter()
    last = None
    for line in log.read_text(errors="replace").splitlines():
        if match := LOG_LINE.match(line):
            results[match.group(2)] += 1
            # Django sets the process's TZ to TIME_ZONE (UTC here), so asctime is UTC.
            stamp = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S,%f")
            last = stamp.replace(tzinfo=UTC).timestamp()
    return results, last


def mirror_summary(db: Path) -> dict:
    with sqlite3.connect(db) as conn:
        run = conn.execute(
            "SELECT status, pages, products_seen, created FROM catalog_app_syncrun "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()
        products = conn.execute("SELECT COUNT(*) FROM catalog_app_product").fetchone()[0]
        fits = conn.execute("SELECT COUNT(*) FROM catalog_app_lidfit").fetchone()[0]
    return {"run": run, "products": products, "lid_fits": fits}


def bench_size(products: int, limit: int, keep: bool) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix=f"cupboard-bench-sync-{products}-"))
    db = tmp / "bench.sqlite3"
    port = free_port()
    env = bench_env(
        f"sqlite:///{db}",
        CUPSOURCE_API_KEY=API_KEY,
        CUPSOURCE_API_URL=f"http://127.0.0.1:{port}/v1",
        CUPSOURCE_RATE_LIMIT=str(limit),
        SANDBOX_RATE_LIMIT=str(limit),
        SANDBOX_PORT=str(port),
        LOG_LEVEL="INFO",  # the client logs one line per request
        LOG_FORMAT="plain",
    )
    pages = math.ceil(products / PER_PAGE)
    bounds = floors(pages, limit)
    print(f"\n{products:,} SKUs = {pages} pages at {limit} requests/min (work dir {tmp})")
    procs = Processes()
    try:
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "createcachetable")
        manage(env, "sandbox_seed", "--products", str(products), timeout=1800)
        manage(env, "sandbox_create_key", "--key", API_KEY)
        sandbox_log = tmp / "sandbox.log"
        sandbox = procs.start(
            [PYTHON, MANAGE, "sandbox_serve", "--port", str(port)], env=env, log=sandbox_log
        )
        wait_for_http(f"http://127.0.0.1:{port}/v1/openapi.json", proc=sandbox, log=sandbox_log)
        print(f"  sandbox seeded and serving; syncing (client floor {bounds['client']:.0f} s) …")
        result = run_sync(env, tmp, timeout=2 * bounds["client"] + 900)
        procs.stop(sandbox)
        results, last_page = client_log(result["log"])
        server_429 = len(re.findall(r'" 429 ', sandbox_log.read_text(errors="replace")))
        mirror = mirror_summary(db)
        fetch = (last_page - result["started_wall"]) if last_page else None
        return {
            "products": products,
            "pages": pages,
            "limit": limit,
            **bounds,
            **result,
            "fetch": fetch,
            "results": results,
            "server_429": server_429,
            "mirror": mirror,
        }
    finally:
        clean_up(procs, tmp, keep=keep)


def report(rows: list[dict]) -> None:
    print("\nResults (times in seconds; floors: sandbox = pages/limit, client = pages/(limit-20),")
    print("window = first batch at once, then one batch per 61 s window):")
    header = (
        f"  {'SKUs':>7} {'pages':>5} {'limit':>5} {'elapsed':>8} {'fetch':>7} {'apply':>6} "
        f"{'sandbox':>8} {'client':>7} {'window':>7} {'429 srv':>7} {'429 cli':>7} "
        f"{'requests':>8} {'peak RSS':>10}"
    )
    print(header)
    for r in rows:
        apply = r["elapsed"] - r["fetch"] if r["fetch"] is not None else float("nan")
        print(
            f"  {r['products']:7,} {r['pages']:5d} {r['limit']:5d} {r['elapsed']:8.1f} "
            f"{r['fetch'] or float('nan'):7.1f} {apply:6.1f} {r['sandbox']:8.1f} "
            f"{r['client']:7.1f} {r['window']:7.1f} {r['server_429']:7d} "
            f"{r['results'].get('429', 0):7d} {sum(r['results'].values()):8d} "
            f"{mib(r['maxrss_kb']):>10}"
        )
    for r in rows:
        status, pages, seen, created = r["mirror"]["run"]
        print(
            f"  {r['products']:,}: sync run {status}, {pages} pages, {seen:,} seen, {created:,} "
            f"created; mirror {r['mirror']['products']:,} products, "
            f"{r['mirror']['lid_fits']:,} lid fits; requests by result {dict(r['results'])}; "
            f"elapsed / client floor = {r['elapsed'] / r['client']:.2f}, "
            f"/ sandbox floor = {r['elapsed'] / r['sandbox']:.2f}; "
            f"VmHWM sampled {mib(r['hwm_kb'])}"
        )
    if len(rows) > 1:
        small, large = rows[0], rows[-1]
        growth = large["maxrss_kb"] / small["maxrss_kb"]
        delta = (large["maxrss_kb"] - small["maxrss_kb"]) / 1024
        verdict = "flat: met" if growth <= FLAT else "NOT flat"
        print(
            f"  peak RSS {small['products']:,} -> {large['products']:,} SKUs: "
            f"{mib(small['maxrss_kb'])} -> {mib(large['maxrss_kb'])} "
            f"(x{growth:.2f}, {delta:+.1f} MiB; goal flat, within {FLAT - 1:.0%}: {verdict})"
        )
    total_429 = sum(r["server_429"] for r in rows)
    print(f"  429s from the sandbox in all runs: {total_429}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", help="comma-separated SKU counts (default 5000,50000)")
    parser.add_argument("--rate-limit", type=int, help="requests/min for sandbox and client (120)")
    parser.add_argument("--quick", action="store_true", help="2,000 and 5,000 SKUs at 1,200/min")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directories")
    args = parser.parse_args(argv)
    sizes_text = args.products or ("2000,5000" if args.quick else "5000,50000")
    sizes = [int(s.replace("_", "")) for s in sizes_text.split(",")]
    limit = args.rate_limit or (1200 if args.quick else 120)
    if limit <= INTERACTIVE_RESERVE:
        parser.error(f"--rate-limit must be more than {INTERACTIVE_RESERVE}")
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # clean up on kill, as on Ctrl-C

    print(f"Catalog sync against the sandbox — {machine_summary()}")
    if note := busy_note():
        print(f"  {note}")
    rows = []
    try:
        for products in sizes:
            rows.append(bench_size(products, limit, args.keep))
    except KeyboardInterrupt:
        print("\nInterrupted; stopped the sandbox and the sync.", file=sys.stderr)
        return 130
    except Exception as exc:
        print(f"\nFailed: {exc}", file=sys.stderr)
        return 1
    finally:
        if rows:
            report(rows)
    if note := busy_note():
        print(f"  {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
