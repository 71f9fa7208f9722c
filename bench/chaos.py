"""The chaos run: the production stack while its own parts die mid-order.

    python bench/chaos.py            # ~6 minutes
    python bench/chaos.py --quick    # shorter phases (~4 minutes)

What production runs (docs/deploy.md) on a throwaway PostgreSQL (initdb in a temporary
directory, its own port) and a throwaway Redis (its own port), so that both can be stopped:
gunicorn `-w 2`, the `default` and `catalog` workers (`run_worker`) and the scheduler, with the
sandbox at the real limit (120 requests a minute) on a SQLite file of its own — so that
Cupboard's database going down does not take "Cup Source" with it. Like systemd with
deploy/'s units (Restart=always, RestartSec=5), the run starts again any of those processes that
exits, 5 s later. Buyers order continuously (add to cart, then the checkout form, as people do;
`--rate` orders a minute in all) while, in turn:

1. baseline (no fault);
2. `kill -9` of a gunicorn worker while checkouts are in flight, three times;
3. Redis stopped for 30 s (`--redis-down`), then started again;
4. `kill -9` of the `default` worker while it sends orders (the queue Redis's outage left);
5. PostgreSQL restarted (`pg_ctl stop -m fast`, then `start`);
6. a second scheduler for 40 s.

Per fault (from its start until the next one; a checkout counts where it ended): orders
placed (checkouts answered with the new order); lost and duplicated orders (Cupboard's ledger
against the sandbox's orders: a reference twice at the sandbox, an accepted order the sandbox
lacks, a sandbox order no local order holds); the most requests the sandbox saw in any 60 s
and its 429s (its access log); buyer-facing 5xx (and dropped connections) — all of them, and
those more than 5 s after each of the fault's events (a kill, a stop, a start); and the
seconds from the end of the fault until everything works again without a hand (/readyz ok and
a checkout placed). After the last fault it waits (`--settle`) until no
order is being sent, queued or unsure.

Goals (exit status 1 if one is missed): 0 lost, 0 duplicated, <= 120 requests in any 60 s,
0 x 429, 0 buyer-facing 5xx after a fault's first 5 s, recovery <= 60 s.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # (after the path tweak above)
    MANAGE,
    PYTHON,
    VENV_BIN,
    Browser,
    Processes,
    bench_env,
    busy_note,
    child_pids,
    free_port,
    machine_summary,
    manage,
    print_failure,
    sandbox_log_settings,
    sandbox_requests,
    step,
    tail,
    wait_for_http,
)
from bench.web import PASSWORD, cheap_products, create_buyers, django_setup

API_KEY = "cs_test_chaos_key_0123456789abcdef"
LIMIT = 120
RESTART_SEC = 5.0  # deploy/'s units
PG_BIN = Path("/usr/lib/postgresql/15/bin")


# --- the throwaway PostgreSQL and Redis ----------------------------------------------------------


class Postgres:
    """A PostgreSQL cluster of its own in `tmp` (run as the postgres user), on its own port."""

    def __init__(self, tmp: Path):
        self.dir = tmp / "pg"
        self.port = free_port()
        self.log = tmp / "postgres.log"

    def _run(self, *args: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *args], check=True,
                       capture_output=True, timeout=120)  # fmt: skip

    def init(self) -> None:
        self.dir.mkdir()
        shutil.chown(self.dir, "postgres", "postgres")
        self.log.touch()
        shutil.chown(self.log, "postgres", "postgres")
        self._run(str(PG_BIN / "initdb"), "-D", str(self.dir), "-A", "trust", "-U", "postgres")
        self.start()
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE chaos")

    def url(self, name: str = "chaos") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-l", str(self.log), "-o",
                  options, "-w", "start")  # fmt: skip

    def stop(self) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.dir), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(Exception):
            self.stop()


class Redis:
    def __init__(self, procs: Processes, tmp: Path):
        self.procs, self.tmp, self.port, self.proc = procs, tmp, free_port(), None

    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = self.procs.start(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.tmp)],
            env=os.environ.copy(), log=self.tmp / "redis.log",
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"redis-server did not start:\n{tail(self.tmp / 'redis.log')}")

    def stop(self) -> None:
        self.procs.stop(self.proc)


# --- the stack, restarted like systemd restarts it ------------------------------------------------


class Stack:
    """gunicorn, the two workers and the scheduler; a watcher starts again, RESTART_SEC later,
    any of them that exits (as Restart=always does)."""

    def __init__(self, procs: Processes, env: dict, tmp: Path, port: int):
        self.procs, self.env, self.tmp, self.port = procs, env, tmp, port
        self.commands = {
            "gunicorn": [str(VENV_BIN / "gunicorn"), "dashboard.wsgi", "-w", "2", "--bind",
                         f"127.0.0.1:{port}", "--access-logfile", str(tmp / "access.log")],
            "worker-default": [PYTHON, MANAGE, "run_worker", "--queue-name", "default",
                               "--no-reload"],
            "worker-catalog": [PYTHON, MANAGE, "run_worker", "--queue-name", "catalog",
                               "--no-reload"],
            "scheduler": [PYTHON, MANAGE, "run_scheduler"],
        }  # fmt: skip
        self.running: dict[str, subprocess.Popen] = {}
        self.restarts: list[tuple[float, str]] = []
        self._stop = threading.Event()
        self._watcher = threading.Thread(target=self._watch, daemon=True)

    def start(self) -> None:
        for name in self.commands:
            self._start(name)
        wait_for_http(f"http://127.0.0.1:{self.port}/healthz", proc=self.running["gunicorn"],
                      log=self.tmp / "gunicorn.log")  # fmt: skip
        self._watcher.start()

    def _start(self, name: str) -> None:
        self.running[name] = self.procs.start(
            self.commands[name], env=self.env, log=self.tmp / f"{name}.log"
        )

    def _watch(self) -> None:
        while not self._stop.wait(0.5):
            for name, proc in list(self.running.items()):
                if proc.poll() is not None and not self._stop.is_set():
                    self.restarts.append((time.time(), name))
                    if self._stop.wait(RESTART_SEC):
                        return
                    self._start(name)

    def stop(self) -> None:
        self._stop.set()
        self._watcher.join(timeout=10)


# --- buyers and a prober --------------------------------------------------------------------------


@dataclass
class Checkout:
    started: float
    ended: float
    status: int  # 0: no answer (a dropped connection)
    order_id: int | None = None
    step: str = "checkout"


@dataclass
class Load:
    base: str
    buyers: int
    products: list[dict]
    rate: float
    results: list[Checkout] = field(default_factory=list)
    probes: list[tuple[float, bool]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def __post_init__(self):
        self.checking_out = 0  # checkout POSTs in flight
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.next_at = time.monotonic()
        self.count = 0

    def start(self) -> None:
        self.threads = [threading.Thread(target=self.buyer, args=(n,), daemon=True)
                        for n in range(1, self.buyers + 1)]  # fmt: skip
        self.threads.append(threading.Thread(target=self.prober, daemon=True))
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=130)

    def _turn(self) -> int:
        with self.lock:
            self.count += 1
            self.next_at += 60 / self.rate
            return self.count, self.next_at

    def buyer(self, n: int) -> None:
        browser = None
        while not self.stop.is_set():
            i, at = self._turn()
            self.stop.wait(max(0.0, at - time.monotonic()))
            if self.stop.is_set():
                return
            try:
                if browser is None:
                    browser = Browser(self.base)
                    browser.login(f"buyer{n}", PASSWORD)
                    browser.token = browser.csrf_token("/catalog/")
                    browser.address = None
                self.order(browser, self.products[i % len(self.products)])
            except Exception as exc:  # a page that did not come: log in again next time
                with self.lock:
                    self.errors.append(f"{time.strftime('%H:%M:%S')} buyer{n}: {exc!r}"[:300])
                browser = None

    def order(self, browser: Browser, product: dict) -> None:
        started = time.time()
        status = self._request(browser, "/cart/add/", {
            "csrfmiddlewaretoken": browser.token, "sku": product["sku"],
            "qty": str(product["min_cases"]), "unit": "cases", "next": "/catalog/",
        })  # fmt: skip
        if status != 302:
            self._record(Checkout(started, time.time(), status, step="add to cart"))
            if status >= 400 or status == 0:
                raise RuntimeError(f"add to cart answered {status}")
            return
        if browser.address is None:
            status, _, page = browser.request("/checkout/")
            match = re.search(r'name="address" value="([^"]+)"', page)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
            if status != 200 or not match or not token:
                self._record(Checkout(started, time.time(), status, step="checkout page"))
                raise RuntimeError(f"the checkout page answered {status}")
            browser.address, browser.token = match.group(1), token.group(1)
        form = {"csrfmiddlewaretoken": browser.token, "address": browser.address,
                "po_number": "", "notes": "chaos"}  # fmt: skip
        with self.lock:
            self.checking_out += 1
        try:
            status, headers, _ = browser.request("/checkout/", form, timeout=120)
        except OSError:
            status, headers = 0, {}
        finally:
            with self.lock:
                self.checking_out -= 1
        order = re.fullmatch(r"/orders/(\d+)/", headers.get("Location", ""))
        self._record(Checkout(started, time.time(), status, int(order[1]) if order else None))
        if status == 0 or status >= 500:
            raise RuntimeError(f"the checkout answered {status}")

    def _request(self, browser: Browser, path: str, data: dict) -> int:
        try:
            return browser.request(path, data, timeout=120)[0]
        except OSError:
            return 0

    def _record(self, result: Checkout) -> None:
        with self.lock:
            self.results.append(result)

    def prober(self) -> None:
        import json
        import urllib.request

        while not self.stop.wait(0.5):
            ok = False
            try:
                with urllib.request.urlopen(f"{self.base}/readyz", timeout=5) as response:  # noqa: S310
                    ok = json.loads(response.read())["checks"]["database"]["ok"]
                    ok = ok and response.status == 200
            except Exception:  # 503 and dropped connections alike: not ready
                ok = False
            self.probes.append((time.time(), ok))


# --- the faults -----------------------------------------------------------------------------------


@dataclass
class Fault:
    name: str
    started: float = 0.0
    ended: float = 0.0  # when the fault was over (the thing killed or stopped is back or free)
    until: float = 0.0  # when the next phase started
    notes: list[str] = field(default_factory=list)
    events: list[float] = field(default_factory=list)  # each kill, stop or start

    def grace(self, moment: float) -> bool:
        """Whether `moment` lies in the first 5 s after one of the fault's events."""
        return any(0 <= moment - event <= 5 for event in self.events)


def kill_gunicorn_workers(stack: Stack, times: int, gap: float, fault: Fault, load: Load) -> None:
    """kill -9, `times` times, the gunicorn worker that holds a buyer's connection while a
    checkout POST is in flight."""
    for _ in range(times):
        deadline = time.monotonic() + gap * 3
        while not load.checking_out and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.05)  # into the request: the order written, perhaps being sent
        busy = _busy_workers(stack.port) or child_pids(stack.running["gunicorn"].pid)[:1]
        for pid in busy[:1]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
                fault.events.append(time.time())
            during = "during a checkout" if load.checking_out else "(no checkout in flight)"
            fault.notes.append(f"killed gunicorn worker {pid} {during}")
        time.sleep(gap)


def _busy_workers(port: int) -> list[int]:
    """The pids of the gunicorn workers holding an open connection on `port` now."""
    out = subprocess.run(["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
                         capture_output=True, text=True, check=False).stdout  # fmt: skip
    return sorted({int(pid) for pid in re.findall(r"pid=(\d+)", out)})


def kill_worker_while_sending(stack: Stack, tmp: Path, fault: Fault, timeout: float) -> None:
    """kill -9 the default worker as soon as its log shows it sending an order (the queue the
    Redis outage left); after `timeout` s without one, as soon as it runs its order sweep."""
    log = tmp / "worker-default.log"
    offset = log.stat().st_size if log.exists() else 0
    deadline = time.monotonic() + timeout
    while True:
        with open(log, "rb") as f:
            f.seek(offset)
            fresh = f.read().decode(errors="replace")
        sending = "cupsource POST /orders" in fresh
        if sending or (time.monotonic() > deadline and "process_due_orders" in fresh):
            proc = stack.running["worker-default"]
            os.kill(proc.pid, signal.SIGKILL)
            fault.events.append(time.time())
            what = "while it sent an order" if sending else "in its order sweep"
            fault.notes.append(f"killed the default worker (pid {proc.pid}) {what}")
            return
        time.sleep(0.02)


# --- the figures ----------------------------------------------------------------------------------


def ledger(database_url: str, sandbox_db: Path) -> dict:
    import psycopg

    with psycopg.connect(database_url) as conn:
        local = conn.execute(
            "SELECT id, state, reference, supplier_order_id, extract(epoch from created_at) "
            "FROM orders_app_order"
        ).fetchall()
    with contextlib.closing(sqlite3.connect(sandbox_db)) as conn:
        remote = conn.execute("SELECT id, reference FROM sandbox_order").fetchall()
    per_reference = Counter(ref for _, ref in remote)
    remote_ids = {order_id for order_id, _ in remote}
    local_ids = Counter(o[3] for o in local if o[3])
    local_refs = {o[2] for o in local}
    return {
        "local": local,
        "remote": remote,
        "states": Counter(o[1] for o in local),
        "duplicated": {ref for ref, n in per_reference.items() if n > 1}
        | {o[2] for o in local if o[3] and local_ids[o[3]] > 1},
        "lost": {o[2] for o in local if o[1] == "accepted" and o[3] not in remote_ids}
        | {ref for oid, ref in remote if oid not in local_ids and ref not in local_refs},
        "pending": [o[2] for o in local if o[1] in ("submitting", "queued", "in_doubt")],
    }


def busiest(times: list[float]) -> int:
    times, best, start = sorted(times), 0, 0
    for end, t in enumerate(times):
        while times[start] <= t - 60:
            start += 1
        best = max(best, end - start + 1)
    return best


def report(faults: list[Fault], load: Load, book: dict, requests, stack: Stack) -> list[str]:
    missed = []
    created = {o[0]: o for o in book["local"]}
    print("\nPer fault:")
    header = (f"  {'fault':44} {'placed':>6} {'lost':>4} {'dup':>3} {'peak/60s':>8} {'429':>3} "
              f"{'5xx':>4} {'5xx>5s':>6} {'recovery s':>10}")  # fmt: skip
    print(header)
    for fault in faults:
        # a checkout counts where it ended (a kill answers the request in flight at once)
        window = [r for r in load.results if fault.started <= r.ended < fault.until]
        placed = [r for r in window if r.order_id]
        refs = {created[r.order_id][2] for r in placed if r.order_id in created}
        failures = [r for r in window if r.status == 0 or r.status >= 500]
        late = [r for r in failures if not fault.grace(r.ended)]
        # the sandbox's requests in any 60 s that ends within this phase
        seen = [t for t, *_ in requests if fault.started - 60 < t < fault.until]
        peak = max((busiest([t for t in seen if end - 60 < t <= end])
                    for end in [t for t in seen if t >= fault.started]), default=0)  # fmt: skip
        too_many = sum(
            1 for t, _, _, s in requests if fault.started <= t < fault.until and s == 429
        )
        recovery = _recovery(fault, load)
        lost, dup = len(refs & book["lost"]), len(refs & book["duplicated"])
        print(f"  {fault.name:44} {len(placed):6d} {lost:4d} {dup:3d} {peak:8d} {too_many:3d} "
              f"{len(failures):4d} {len(late):6d} {_fmt(recovery):>10}")  # fmt: skip
        for note in fault.notes:
            print(f"      {note}")
        if late:
            missed.append(f"{fault.name}: {len(late)} buyer-facing 5xx after the first 5 s")
        if peak > LIMIT:
            missed.append(f"{fault.name}: {peak} requests in 60 s")
        if too_many:
            missed.append(f"{fault.name}: {too_many} x 429")
        if recovery is None or recovery > 60:
            missed.append(f"{fault.name}: recovery {_fmt(recovery)} s")
    print(f"\nOrders: {len(book['local'])} in Cupboard, {len(book['remote'])} at the sandbox; "
          f"states {dict(book['states'])}")  # fmt: skip
    print(f"  lost: {sorted(book['lost']) or 0}; duplicated: {sorted(book['duplicated']) or 0}; "
          f"still pending: {book['pending'] or 0}")  # fmt: skip
    print(f"  the most requests the sandbox saw in any 60 s: {busiest([t for t, *_ in requests])}"
          f"; 429s: {sum(1 for *_, s in requests if s == 429)}")  # fmt: skip
    print(f"  processes restarted by the watcher (as systemd would): "
          f"{Counter(name for _, name in stack.restarts) or 'none'}")  # fmt: skip
    if load.errors:
        print(f"  buyer errors ({len(load.errors)}), first ones:")
        for error in load.errors[:8]:
            print(f"    {error}")
    missed += [f"{len(book['lost'])} lost"] if book["lost"] else []
    missed += [f"{len(book['duplicated'])} duplicated"] if book["duplicated"] else []
    missed += [f"{len(book['pending'])} orders still pending"] if book["pending"] else []
    return missed


def _recovery(fault: Fault, load: Load) -> float | None:
    """Seconds from the fault's end until /readyz is ok and a checkout after it placed an order."""
    ready = next((t for t, ok in load.probes if t >= fault.ended and ok), None)
    placed = next((r.ended for r in sorted(load.results, key=lambda r: r.started)
                   if r.started >= fault.ended and r.order_id), None)  # fmt: skip
    if ready is None or placed is None:
        return None
    return max(ready, placed) - fault.ended


def _fmt(seconds: float | None) -> str:
    return "never" if seconds is None else f"{seconds:.1f}"


# --- the run --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buyers", type=int, default=4)
    parser.add_argument("--rate", type=float, default=20, help="orders a minute in all (20)")
    parser.add_argument("--redis-down", type=float, default=30, help="seconds (30)")
    parser.add_argument("--phase", type=float, default=30, help="seconds per phase (30)")
    parser.add_argument("--settle", type=float, default=150, help="max s to settle (150)")
    parser.add_argument("--quick", action="store_true", help="20-s phases")
    parser.add_argument("--keep", action="store_true", help="keep the logs' directory")
    args = parser.parse_args(argv)
    if args.quick:
        args.phase = 20
    if os.geteuid() != 0 or not (PG_BIN / "initdb").exists() or not shutil.which("redis-server"):
        print("chaos.py runs as root with PostgreSQL 15's binaries and redis-server installed.")
        return 2
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    tmp = Path(tempfile.mkdtemp(prefix="cupboard-bench-chaos-"))
    tmp.chmod(0o755)
    procs = Processes()
    pg = Postgres(tmp)
    print(f"Chaos run — {machine_summary()}\n  logs in {tmp}")
    if note := busy_note():
        print(f"  {note}")
    load = stack = None
    try:
        step("PostgreSQL of its own (initdb)", pg.init)
        redis = Redis(procs, tmp)
        step("Redis of its own", redis.start)
        sandbox_port = free_port()
        env = bench_env(
            pg.url(), CACHE_URL=redis.url(), CUPSOURCE_API_KEY=API_KEY,
            CUPSOURCE_API_URL=f"http://127.0.0.1:{sandbox_port}/v1",
            CUPSOURCE_RATE_LIMIT=str(LIMIT), LOG_LEVEL="INFO", LOG_FORMAT="plain",
            DJANGO_SETTINGS_MODULE="dashboard.settings", SANDBOX_ENABLED="false",
            TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        )  # fmt: skip
        sandbox_db = tmp / "sandbox.sqlite3"
        sandbox_env = {
            **bench_env(
                f"sqlite:///{sandbox_db}", SANDBOX_RATE_LIMIT=str(LIMIT), CUPSOURCE_API_KEY=API_KEY
            ),
            **sandbox_log_settings(tmp),
        }
        step("sandbox: migrate", manage, sandbox_env, "migrate", "--no-input", "-v", "0")
        step("sandbox: cache table", manage, sandbox_env, "createcachetable")
        step("sandbox: seed", manage, sandbox_env, "sandbox_seed")
        step("sandbox: key", manage, sandbox_env, "sandbox_create_key", "--key", API_KEY)
        sandbox_log = tmp / "sandbox.log"
        sandbox = procs.start([PYTHON, MANAGE, "sandbox_serve", "--port", str(sandbox_port)],
                              env=sandbox_env, log=sandbox_log)  # fmt: skip
        wait_for_http(f"http://127.0.0.1:{sandbox_port}/v1/openapi.json", proc=sandbox,
                      log=sandbox_log)  # fmt: skip
        step("migrate", manage, env, "migrate", "--no-input", "-v", "0")
        step("createcachetable", manage, env, "createcachetable")
        step("sync_catalog (at 120/min)", manage, env, "sync_catalog", "-v", "0")
        django_setup(env)
        step(f"{args.buyers} buyers and an address", create_buyers, args.buyers)
        products = cheap_products(25)
        from django.db import connections

        connections.close_all()
        port = free_port()
        stack = Stack(procs, env, tmp, port)
        step("start gunicorn -w 2, both workers, the scheduler", stack.start)
        load = Load(f"http://127.0.0.1:{port}", args.buyers, products, args.rate)
        load.start()
        faults: list[Fault] = []

        def phase(name: str, action) -> None:
            fault = Fault(name, started=time.time())
            if faults:
                faults[-1].until = fault.started
            faults.append(fault)
            print(f"  {time.strftime('%H:%M:%S')} {name}", flush=True)
            action(fault)
            fault.ended = fault.ended or time.time()
            time.sleep(max(0.0, fault.started + args.phase - time.time()))

        def redis_down(fault: Fault) -> None:
            fault.events.append(time.time())
            redis.stop()
            time.sleep(args.redis_down)
            redis.start()
            fault.ended = time.time()

        def postgres_restart(fault: Fault) -> None:
            fault.events.append(time.time())
            pg.stop()
            pg.start()
            fault.ended = time.time()

        def second_scheduler(fault: Fault) -> None:
            fault.events.append(time.time())
            extra = procs.start([PYTHON, MANAGE, "run_scheduler"], env=env,
                                log=tmp / "scheduler-2.log")  # fmt: skip
            time.sleep(40)
            procs.stop(extra)
            fault.ended = time.time()

        phase("baseline", lambda fault: None)
        phase("kill -9 a gunicorn worker during checkouts",
              lambda fault: kill_gunicorn_workers(stack, 3, 4, fault, load))  # fmt: skip
        phase(f"Redis stopped for {args.redis_down:g} s", redis_down)
        phase("kill -9 the default worker while sending",
              lambda fault: kill_worker_while_sending(stack, tmp, fault, 60))  # fmt: skip
        phase("PostgreSQL restarted (pg_ctl stop -m fast, start)", postgres_restart)
        phase("two schedulers for 40 s", second_scheduler)
        time.sleep(20)  # buyers go on ordering: the last fault's recovery is measured too
        faults[-1].until = time.time()
        load.finish()
        settle_started = time.monotonic()
        while time.monotonic() - settle_started < args.settle:
            if not ledger(env["DATABASE_URL"], sandbox_db)["pending"]:
                break
            time.sleep(2)
        print(f"  settled in {time.monotonic() - settle_started:.0f} s")
        stack.stop()
        procs.stop_all()
        book = ledger(env["DATABASE_URL"], sandbox_db)
        missed = report(faults, load, book, sandbox_requests(sandbox_log), stack)
        print("\nGoals: " + ("all met" if not missed else "MISSED: " + "; ".join(missed)))
        return 1 if missed else 0
    except KeyboardInterrupt:
        print("\nInterrupted; stopping everything.", file=sys.stderr)
        return 130
    except Exception as exc:
        print_failure(exc, sorted(tmp.glob("*.log")))
        return 1
    finally:
        if load is not None:
            load.stop.set()
        if stack is not None:
            stack.stop()
        procs.stop_all()
        pg.destroy()
        if args.keep:
            print(f"  kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
