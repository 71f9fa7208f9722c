"""Scale-out: two gunicorn instances, the task workers and the scheduler on PostgreSQL and Redis,
many buyers at once, one supplier API key.

    python bench/scaleout.py                   # 30 buyers for 60 s (locust), 2,000 SKUs, ~4 min
    python bench/scaleout.py --quick           # 8 buyers for 20 s, 500 SKUs (smoke test)
    python bench/scaleout.py --users 60 --duration 120

It creates a fresh PostgreSQL database (`cupboard_scaleout_<random>`, dropped at the end) and
uses a private Redis database (`--redis-url`, FLUSHDB'd before and after), migrates, seeds the
sandbox and registers the key, starts `sandbox_serve` at its real limit (120 requests a minute),
fills the mirror with one real `manage.py sync_catalog`, creates buyers (each with a saved
address) and starts what production runs (docs/deploy.md): here TWO gunicorn instances
(`-w 2` each, debug off, different ports), the `default` and `catalog` task workers and the
scheduler, all with the same DATABASE_URL, CACHE_URL and API key. Locust (headless; the
optional `bench` extra) then drives both instances with buyers who log in, browse the catalog
(filters, the htmx partial, product pages), add to the cart, check out and place orders, and
open the orders list, their orders and tracking pages — all through the dashboard's own pages
and forms (CSRF tokens taken from the forms). `--driver threads` uses the threads + httpx driver
of the CI test (tests/dashboard/test_scaleout.py) instead.

What it reports, and the goals (the exit status is 1 when one is missed):

- from the sandbox's own rate-limit records (`sandbox.models.RequestLog`, one row per counted
  request, pruned by the sandbox after 60 s, so they are read every 2 s and collected): the
  most requests in any 60-s window for the key (the sandbox's window (t - 60 s, t]) — goal
  <= 120 — and the total; the 429s the sandbox sent (its log: a `django.server` warning per
  4xx);
- what buyers saw: any response with status 429 or 5xx, and any page with the dashboard's
  rate-limit wording ("Cup Source is busy with this account's other requests…",
  orders_app/problems.py — shown on an order, the checkout re-check and tracking whether the
  supplier answered 429 or the shared budget had no slot), "too many requests", "rate limit" or
  a bare 429 — goal 0;
- duplicates, from both ledgers: sandbox orders per reference (Cupboard sends one reference per
  local order and one idempotency key per submission) — goal none above 1; every accepted
  local order has exactly the sandbox order it recorded; no sandbox order without its local
  order; no queued local order (certainly never created) exists at the sandbox;
- requests by kind (the client's `cupsource METHOD PATH -> RESULT` lines in each process's
  log), dashboard latency p50/p95/p99 per kind, orders placed and the states they ended in
  (after the load it waits up to `--settle` seconds for orders still being sent or queued).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import secrets
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # (after the path tweak above)
    MANAGE,
    PYTHON,
    VENV_BIN,
    Processes,
    bench_env,
    busy_note,
    clean_up,
    free_port,
    machine_summary,
    manage,
    print_failure,
    step,
    tail,
    wait_for_http,
)

API_KEY = "cs_test_scaleout_key_0123456789abcdef"
PASSWORD = "scaleout-buyer-pw-42"
LIMIT = 120  # the portal's limit, requests per minute per key
WINDOW_S = 60.0  # the sandbox's sliding window
CATEGORIES = ["cups", "bowls", "lids"]
MATERIALS = ["paper", "plastic", "bioplastic"]
SORTS = ["sku", "price", "-price", "capacity"]

# What a buyer must never see. The dashboard's own wording for a rate limit (problems.py) is the
# same whether Cup Source answered 429 or the shared budget had no free slot.
RATE_LIMIT_TEXT = re.compile(
    r"Cup Source is busy with this account|too many requests|rate[- ]limit"
    r"|(?<![\w,.$])429(?![\w,.])",
    re.IGNORECASE,
)
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SKU_RE = re.compile(r'href="/catalog/([A-Z0-9][A-Z0-9-]+)/"')
MIN_CASES_RE = re.compile(r'name="qty"[^>]*?value="(\d+)"', re.S)
ADDRESS_RE = re.compile(r'<input type="radio" name="address" value="(\d+)"([^>]*)>')
ORDER_URL_RE = re.compile(r"/orders/(\d+)/$")
CLIENT_LOG_RE = re.compile(r" cupsource (GET|POST) (\S+) -> (\S+) in ")
SANDBOX_429_RE = re.compile(r'"[A-Z]+ /v1/\S* HTTP/[\d.]+" 429 ')


# --- what a buyer does (shared by the locust user and the threads driver) -------------------


@dataclass
class Page:
    status: int
    text: str
    location: str = ""


def shown_problem(status: int, text: str) -> str:
    """Why a response counts as a rate limit or a server error shown to a buyer ('' if not)."""
    if status == 429:
        return "status 429"
    if status >= 500 or status == 0:
        return f"status {status or 'no response'}"
    match = RATE_LIMIT_TEXT.search(text or "")
    if match:
        return f"rate-limit text: {match.group(0)!r}"
    if status >= 400:
        return f"status {status}"  # not a rate limit, but not expected either
    return ""


Fetch = Callable[..., Page]
"""`fetch(method, path, kind, data=None, headers=None) -> Page`, never following redirects."""


@dataclass
class Buyer:
    """One buyer's session: log in, then one action per `step()` (the driver waits between)."""

    fetch: Fetch
    username: str
    rng: random.Random
    skus: list[str] = field(default_factory=list)
    orders: list[int] = field(default_factory=list)
    place_weight: int = 6

    def log_in(self) -> None:
        page = self.fetch("GET", "/login/", "login form")
        token = _csrf(page)
        answer = self.fetch(
            "POST",
            "/login/",
            "log in",
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        if answer.status != 302:
            raise RuntimeError(f"{self.username} could not log in ({answer.status})")
        self.fetch("GET", "/", "overview")

    def step(self) -> None:
        actions = [
            (self.browse, 35),
            (self.product, 22),
            (self.order_list, 10),
            (self.tracking, 17),
            (self.place_order, self.place_weight),
        ]
        action = self.rng.choices([a for a, _ in actions], weights=[w for _, w in actions])[0]
        action()

    def browse(self) -> None:
        params = [f"category={self.rng.choice(CATEGORIES)}", f"sort={self.rng.choice(SORTS)}"]
        if self.rng.random() < 0.5:
            params.append(f"material={self.rng.choice(MATERIALS)}")
        if self.rng.random() < 0.3:
            params.append("in_stock=on")
        query = "&".join(params)
        page = self.fetch("GET", f"/catalog/?{query}", "catalog")
        self._remember_skus(page)
        if self.rng.random() < 0.4:  # next page, as htmx asks for it
            page = self.fetch(
                "GET", f"/catalog/?{query}&page=2", "catalog (htmx)", headers={"HX-Request": "true"}
            )
            self._remember_skus(page)

    def product(self) -> Page | None:
        if not self.skus:
            self.browse()
        if not self.skus:
            return None
        return self.fetch("GET", f"/catalog/{self.rng.choice(self.skus)}/", "product")

    def order_list(self) -> None:
        self.fetch("GET", "/orders/", "orders")

    def tracking(self) -> None:
        if not self.orders:
            self.order_list()
            return
        order_id = self.rng.choice(self.orders[-3:])
        self.fetch("GET", f"/orders/{order_id}/", "order")
        self.fetch("GET", f"/orders/{order_id}/tracking/", "tracking")

    def place_order(self) -> None:
        page = self.product()
        if page is None or page.status != 200:
            return
        sku = re.search(r'name="sku" value="([^"]+)"', page.text)
        cases = MIN_CASES_RE.search(page.text)
        if not sku or not cases:
            return
        data = {
            "csrfmiddlewaretoken": _csrf(page),
            "sku": sku.group(1),
            "qty": cases.group(1),
            "unit": "cases",
            "next": "/cart/",
        }
        self.fetch("POST", "/cart/add/", "add to cart", data=data)
        self.fetch("GET", "/cart/", "cart")
        checkout = self.fetch("GET", "/checkout/", "checkout")
        if checkout.status != 200:
            return
        addresses = ADDRESS_RE.findall(checkout.text)
        chosen = next((v for v, attrs in addresses if "checked" in attrs), None)
        data = {
            "csrfmiddlewaretoken": _csrf(checkout),
            "address": chosen or (addresses[0][0] if addresses else ""),
            "po_number": "",
            "notes": f"scale-out run, {self.username}",
        }
        placed = self.fetch("POST", "/checkout/", "place order", data=data)
        match = ORDER_URL_RE.search(urlsplit(placed.location).path)
        if placed.status == 302 and match:
            self.orders.append(int(match.group(1)))
            self.fetch("GET", match.group(0), "order")

    def _remember_skus(self, page: Page) -> None:
        found = SKU_RE.findall(page.text)
        if found:
            self.skus = list(dict.fromkeys(self.skus + found))[-60:]


def _csrf(page: Page) -> str:
    match = CSRF_RE.search(page.text)
    if not match:
        raise RuntimeError(f"no CSRF token on the page (status {page.status})")
    return match.group(1)


class CookieBox:
    """A buyer's cookies, sent over plain HTTP even when marked `Secure`, as browsers do for
    loopback: production settings mark the session and CSRF cookies Secure, and these runs stand
    in for the app behind its TLS proxy on 127.0.0.1. (httpx and requests both merge cookies
    into a fresh jar per request, dropping any jar policy, so they would never send them.)"""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def headers(self, headers: dict | None) -> dict:
        headers = dict(headers or {})
        if self.values:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.values.items())
        return headers

    def update(self, jar) -> None:
        self.values.update({cookie.name: cookie.value for cookie in jar})


# --- the threads + httpx driver (the CI test; `--driver threads`) -----------------------------


@dataclass
class Sample:
    kind: str
    status: int
    ms: float
    problem: str


class Recorder:
    """Every dashboard response the buyers got (thread-safe: list.append under the GIL)."""

    def __init__(self) -> None:
        self.samples: list[Sample] = []
        self.examples: dict[str, str] = {}

    def record(self, kind: str, status: int, ms: float, text: str, path: str) -> None:
        problem = shown_problem(status, text)
        self.samples.append(Sample(kind, status, ms, problem))
        if problem and problem not in self.examples:
            self.examples[problem] = path

    def problems(self) -> Counter:
        return Counter((s.kind, s.problem) for s in self.samples if s.problem)

    def latencies(self) -> dict[str, dict[str, float]]:
        by_kind: dict[str, list[float]] = defaultdict(list)
        for s in self.samples:
            by_kind[s.kind].append(s.ms)
        return {kind: percentiles(times) for kind, times in sorted(by_kind.items())}


def percentiles(times: list[float]) -> dict[str, float]:
    if len(times) < 2:
        only = times[0] if times else 0.0
        return {"n": len(times), "p50": only, "p95": only, "p99": only}
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return {"n": len(times), "p50": cuts[49], "p95": cuts[94], "p99": cuts[98]}


def httpx_fetch(client, recorder: Recorder) -> Fetch:
    """A buyer's fetch on an httpx client (cookies kept in a `CookieBox`)."""
    import httpx

    cookies = CookieBox()

    def fetch(method, path, kind, data=None, headers=None) -> Page:
        headers = cookies.headers(headers)
        started = time.perf_counter()
        try:
            response = client.request(method, path, data=data, headers=headers)
        except httpx.HTTPError as exc:
            recorder.record(kind, 0, (time.perf_counter() - started) * 1000, str(exc), path)
            return Page(0, "")
        ms = (time.perf_counter() - started) * 1000
        cookies.update(response.cookies.jar)
        recorder.record(kind, response.status_code, ms, response.text, path)
        return Page(response.status_code, response.text, response.headers.get("location", ""))

    return fetch


def drive_with_threads(
    bases: list[str],
    usernames: list[str],
    *,
    duration: float,
    think: tuple[float, float],
    seed: int = 7,
    place_weight: int = 6,
) -> tuple[Recorder, list[str]]:
    """One thread per buyer (round-robin over `bases`) for `duration` seconds; returns what
    they saw and the errors that stopped a buyer."""
    import httpx

    recorder, errors = Recorder(), []
    stop = threading.Event()

    def run(index: int, username: str) -> None:
        rng = random.Random(seed * 1000 + index)
        with httpx.Client(
            base_url=bases[index % len(bases)], timeout=60, follow_redirects=False
        ) as client:
            buyer = Buyer(httpx_fetch(client, recorder), username, rng, place_weight=place_weight)
            try:
                buyer.log_in()
                while not stop.is_set():
                    buyer.step()
                    stop.wait(rng.uniform(*think))
            except Exception as exc:
                errors.append(f"{username}: {type(exc).__name__}: {exc}")

    threads = [
        threading.Thread(target=run, args=(i, name), daemon=True)
        for i, name in enumerate(usernames)
    ]
    for thread in threads:
        thread.start()
    stop.wait(duration)
    stop.set()
    for thread in threads:
        thread.join(timeout=90)
    return recorder, errors


# --- the locust user (`locust -f <a two-line file that calls this>`) ------------------------


def locust_buyer_class():
    """The locust User: one `Buyer` per simulated user, instances and logins round-robin
    (SCALEOUT_BASES, SCALEOUT_USERS from the environment)."""
    import itertools

    from locust import HttpUser, between, task

    bases = os.environ["SCALEOUT_BASES"].split(",")
    usernames = os.environ["SCALEOUT_USERS"].split(",")
    counter = itertools.count()

    class BuyerUser(HttpUser):
        host = bases[0]
        wait_time = between(2, 6)

        def on_start(self):
            index = next(counter)
            self.client.base_url = bases[index % len(bases)]
            self.cookies = CookieBox()
            self.buyer = Buyer(self._fetch, usernames[index % len(usernames)], random.Random())
            self.buyer.log_in()

        def _fetch(self, method, path, kind, data=None, headers=None) -> Page:
            with self.client.request(
                method,
                path,
                name=kind,
                catch_response=True,
                data=data,
                headers=self.cookies.headers(headers),
                allow_redirects=False,
            ) as response:
                self.cookies.update(response.cookies)
                problem = shown_problem(response.status_code, response.text or "")
                if problem:
                    response.failure(problem)
                else:
                    response.success()
                return Page(
                    response.status_code, response.text or "", response.headers.get("location", "")
                )

        @task
        def act(self):
            self.buyer.step()

    return BuyerUser


LOCUSTFILE = """import sys
sys.path.insert(0, {repo!r})
from bench.scaleout import locust_buyer_class
BuyerUser = locust_buyer_class()
"""


def drive_with_locust(
    bases: list[str], usernames: list[str], *, duration: float, tmp: Path, env: dict
) -> dict:
    import csv
    import subprocess

    locustfile = tmp / "locustfile.py"
    locustfile.write_text(LOCUSTFILE.format(repo=str(Path(__file__).resolve().parent.parent)))
    prefix = tmp / "locust"
    users = len(usernames)
    args = [
        str(VENV_BIN / "locust"),
        "-f",
        str(locustfile),
        "--headless",
        "-u",
        str(users),
        "-r",
        str(max(users / 5, 1)),
        "-t",
        f"{duration:g}s",
        "--stop-timeout",
        "30",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    locust_env = {
        **env,
        "SCALEOUT_BASES": ",".join(bases),
        "SCALEOUT_USERS": ",".join(usernames),
    }
    with open(tmp / "locust.log", "wb") as out:
        result = subprocess.run(
            args, env=locust_env, stdout=out, stderr=subprocess.STDOUT, timeout=duration + 120
        )
    stats_file, failures_file = Path(f"{prefix}_stats.csv"), Path(f"{prefix}_failures.csv")
    if not stats_file.exists():
        raise RuntimeError(
            f"locust wrote no stats ({result.returncode}):\n{tail(tmp / 'locust.log')}"
        )
    latencies, problems, requests = {}, Counter(), 0
    with open(stats_file) as f:
        for row in csv.DictReader(f):
            if row["Name"] == "Aggregated":
                requests = int(row["Request Count"])
                continue
            latencies[row["Name"]] = {
                "n": int(row["Request Count"]),
                "p50": float(row["50%"]),
                "p95": float(row["95%"]),
                "p99": float(row["99%"]),
            }
    if failures_file.exists():
        with open(failures_file) as f:
            for row in csv.DictReader(f):
                error = re.sub(r"^CatchResponseError\((['\"])(.*)\1\)$", r"\2", row["Error"])
                problems[(row["Name"], error)] += int(row["Occurrences"])
    errors = [  # a buyer that raised (a login refused, a page without its form, …)
        line.strip()
        for line in (tmp / "locust.log").read_text(errors="replace").splitlines()
        if " failed with " in line or line.startswith(("RuntimeError", "Exception"))
    ][:10]
    return {"latencies": latencies, "problems": problems, "requests": requests, "errors": errors}


# --- the sandbox's own records, and the two ledgers -------------------------------------------


class RequestLogCollector:
    """Collect the sandbox's RequestLog rows for one key before the sandbox prunes them (it
    deletes rows older than 60 s on the next counted request): poll every `every` seconds."""

    def __init__(self, api_key: str, every: float = 2.0) -> None:
        self.api_key = api_key
        self.every = every
        self.seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.error: Exception | None = None
        self.started = False

    def start(self) -> RequestLogCollector:
        self._thread.start()
        self.started = True
        return self

    def _run(self) -> None:
        from django.db import connection

        try:
            while True:
                self.poll()
                if self._stop.wait(self.every):
                    break
            self.poll()
        except Exception as exc:
            self.error = exc
        finally:
            connection.close()

    def poll(self) -> None:
        import hashlib

        from sandbox.models import ApiKey, RequestLog

        digest = hashlib.sha256(self.api_key.encode()).hexdigest()
        key = ApiKey.objects.filter(key_hash=digest).first()
        if key is None:
            return
        for pk, at in RequestLog.objects.filter(api_key=key).values_list("pk", "at"):
            self.seen[pk] = at.timestamp()

    def stop(self) -> None:
        self._stop.set()
        if self.started:
            self._thread.join(timeout=30)
        if self.error:
            raise RuntimeError(f"reading the sandbox's RequestLog failed: {self.error}")

    def max_window(self) -> tuple[int, float | None]:
        """The most requests in any window (t - 60 s, t], and the t where it was reached."""
        times = sorted(self.seen.values())
        best, at, start = 0, None, 0
        for end, t in enumerate(times):
            while times[start] <= t - WINDOW_S:
                start += 1
            if end - start + 1 > best:
                best, at = end - start + 1, t
        return best, at


def ledgers() -> dict:
    """Compare Cupboard's order ledger with the sandbox's orders."""
    from orders_app.models import Order
    from sandbox.models import Order as SandboxOrder

    local = list(
        Order.objects.values(
            "pk", "state", "reference", "supplier_order_id", "next_attempt_at", "problem_details"
        )
    )
    remote = list(SandboxOrder.objects.values("id", "reference"))
    per_reference = Counter(o["reference"] for o in remote)
    remote_ids = {o["id"] for o in remote}
    local_ids = Counter(o["supplier_order_id"] for o in local if o["supplier_order_id"])
    local_refs = {o["reference"] for o in local}
    accepted = [o for o in local if o["state"] == Order.State.ACCEPTED]
    queued = [o for o in local if o["state"] == Order.State.QUEUED]
    return {
        "local": len(local),
        "states": Counter(o["state"] for o in local),
        "remote": len(remote),
        "duplicate_references": {r: n for r, n in per_reference.items() if n > 1},
        "accepted_without_remote": [
            o["reference"] for o in accepted if o["supplier_order_id"] not in remote_ids
        ],
        "remote_claimed_twice": [i for i, n in local_ids.items() if n > 1],
        "remote_without_local": [
            o["id"] for o in remote if o["id"] not in local_ids and o["reference"] not in local_refs
        ],
        "remote_not_recorded": [  # a sandbox order whose local order has not recorded it (yet)
            o["id"] for o in remote if o["id"] not in local_ids and o["reference"] in local_refs
        ],
        "queued_but_at_remote": [o["reference"] for o in queued if per_reference[o["reference"]]],
        "refusals": Counter(
            str(o["problem_details"]) for o in local if o["state"] == Order.State.NEEDS_CHANGES
        ),
        "pending_without_next_attempt": [
            o["reference"]
            for o in local
            if o["state"] in (Order.State.QUEUED, Order.State.IN_DOUBT)
            and o["next_attempt_at"] is None
        ],
    }


def duplicate_problems(ledger: dict) -> list[str]:
    """Everything in the ledger comparison that is a duplicate or a lost order."""
    problems = []
    for name in (
        "duplicate_references",
        "accepted_without_remote",
        "remote_claimed_twice",
        "remote_without_local",
        "queued_but_at_remote",
        "pending_without_next_attempt",
    ):
        if ledger[name]:
            problems.append(f"{name}: {ledger[name]}")
    return problems


def client_requests(logs: dict[str, Path]) -> Counter:
    """API requests by (process, method, path pattern, result), from the client's log lines."""
    kinds: Counter = Counter()
    for role, log in logs.items():
        if not log.exists():
            continue
        for method, path, result in CLIENT_LOG_RE.findall(log.read_text(errors="replace")):
            path = re.sub(r"/ord_\w+", "/{id}", path)
            kinds[(role, method, path, result)] += 1
    return kinds


def sandbox_429s(log: Path) -> int:
    return len(SANDBOX_429_RE.findall(log.read_text(errors="replace"))) if log.exists() else 0


# --- the stack ----------------------------------------------------------------------------------


def start_stack(
    procs: Processes, env: dict[str, str], tmp: Path, *, instances: int = 2, workers: int = 2
) -> tuple[list[str], dict[str, Path]]:
    """Two gunicorn instances, the two task workers and the scheduler (docs/deploy.md); returns
    the instances' base URLs and every process's log."""
    logs: dict[str, Path] = {}
    bases = []
    for n in range(1, instances + 1):
        port = free_port()
        log = tmp / f"gunicorn-{n}.log"
        logs[f"web {n}"] = log
        proc = procs.start(
            [
                str(VENV_BIN / "gunicorn"),
                "dashboard.wsgi",
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{port}",
                "--timeout",
                "60",
            ],
            env=env,
            log=log,
        )
        bases.append((f"http://127.0.0.1:{port}", proc, log))
    for role, args in (
        ("worker default", ["run_worker", "--queue-name", "default", "--no-reload"]),
        ("worker catalog", ["run_worker", "--queue-name", "catalog", "--no-reload"]),
        ("scheduler", ["run_scheduler"]),
    ):
        logs[role] = tmp / f"{role.replace(' ', '-')}.log"
        procs.start([PYTHON, MANAGE, *args], env=env, log=logs[role])
    for base, proc, log in bases:
        wait_for_http(f"{base}/healthz", proc=proc, log=log)
    return [base for base, _, _ in bases], logs


def run_logged(env: dict[str, str], log: Path, *args: str, timeout: float = 900) -> None:
    """Run `manage.py ARGS` to completion with its output (log lines included) in `log`."""
    import subprocess

    with open(log, "ab") as out:
        result = subprocess.run(
            [PYTHON, MANAGE, *args], cwd=MANAGE.rsplit("/", 1)[0], env=env, stdout=out,
            stderr=subprocess.STDOUT, timeout=timeout, check=False,
        )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed ({result.returncode}):\n{tail(log)}")


def start_sandbox(procs: Processes, env: dict[str, str], tmp: Path) -> Path:
    log = tmp / "sandbox.log"
    port = env["SANDBOX_PORT"]
    proc = procs.start([PYTHON, MANAGE, "sandbox_serve", "--port", port], env=env, log=log)
    wait_for_http(f"http://127.0.0.1:{port}/v1/openapi.json", proc=proc, log=log)
    return log


def create_buyers(count: int, password_hash: str) -> list[str]:
    """`count` buyers, each with their own saved (default) address in the shared book."""
    from django.contrib.auth import get_user_model

    from orders_app.models import Address, BuyerSettings

    names = []
    for n in range(1, count + 1):
        user = get_user_model().objects.create(username=f"buyer{n:02d}", password=password_hash)
        address = Address.objects.create(
            label=f"Café {n}",
            name=f"Café {n}",
            line1=f"{100 + n} Commerce Way",
            city="Portland",
            state="OR",
            zip="97201",
            created_by=user,
        )
        BuyerSettings.objects.create(user=user, default_address=address)
        names.append(user.username)
    return names


def wait_for_orders(settle: float, collector: RequestLogCollector | None = None) -> float:
    """Wait (up to `settle` s) until no order is being sent, queued or in doubt."""
    from orders_app.models import Order

    started = time.monotonic()
    while time.monotonic() - started < settle:
        if not Order.objects.filter(state__in=Order.PENDING_STATES).exists():
            break
        time.sleep(1)
    return time.monotonic() - started


# --- the run -------------------------------------------------------------------------------------


def create_database(base_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{base_url}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(base_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{base_url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def django_setup(env: dict[str, str]) -> None:
    import warnings

    os.environ.update(env)
    warnings.filterwarnings("ignore", "No directory at")
    import django

    django.setup()


def report(
    *,
    collector: RequestLogCollector,
    seen: dict,
    ledger: dict,
    kinds: Counter,
    sandbox_429: int,
    limit: int,
    load: tuple[float, float],
) -> list[str]:
    """Print the figures; return the goals missed."""
    missed = []
    peak, peak_at = collector.max_window()
    total = len(collector.seen)
    in_load = sum(1 for t in collector.seen.values() if load[0] <= t <= load[1])
    print("\nAt the sandbox (its RequestLog, collected every 2 s):")
    print(f"  requests counted for the key: {total} in all, {in_load} during the load")
    when = time.strftime("%H:%M:%S", time.localtime(peak_at)) if peak_at else "-"
    print(f"  most in any 60-s window: {peak} (window ending {when}); goal <= {limit}")
    print(
        f"  429s the sandbox sent (its log): {sandbox_429}; goal 0 (the sandbox enforces the "
        "limit itself, so a key that asked for more shows here rather than in the window)"
    )
    if peak > limit:
        missed.append(f"{peak} requests in one 60-s window (limit {limit})")
    if sandbox_429:
        missed.append(f"the sandbox refused {sandbox_429} requests with 429")
    print("\nAPI requests by kind (the client's log lines: process, request, result):")
    for (role, method, path, result), n in sorted(kinds.items()):
        print(f"  {n:5d}  {role:15} {method:4} {path:28} -> {result}")
    print("\nWhat buyers saw (dashboard latency, ms):")
    print(f"  {'kind':16} {'n':>6} {'p50':>8} {'p95':>8} {'p99':>8}")
    for kind, p in seen["latencies"].items():
        print(f"  {kind:16} {p['n']:6d} {p['p50']:8.0f} {p['p95']:8.0f} {p['p99']:8.0f}")
    shown = sum(seen["problems"].values())
    limit_shown = sum(
        n
        for (_, problem), n in seen["problems"].items()
        if problem.startswith(("status 429", "status 5", "rate-limit", "status no"))
    )
    print(f"  responses with 429/5xx or rate-limit wording: {limit_shown}; goal 0")
    for (kind, problem), n in sorted(seen["problems"].items()):
        print(f"    {n:5d}  {kind}: {problem}")
    if limit_shown:
        missed.append(f"{limit_shown} responses showed a rate limit or a server error to buyers")
    if shown - limit_shown:
        missed.append(f"{shown - limit_shown} other 4xx responses to buyers")
    print("\nOrders (Cupboard's ledger against the sandbox's orders):")
    print(f"  placed {ledger['local']}; at the sandbox {ledger['remote']}")
    print("  states: " + ", ".join(f"{s} {n}" for s, n in sorted(ledger["states"].items())))
    problems = duplicate_problems(ledger)
    print(f"  duplicates or lost orders: {problems or 'none'}")
    for details, n in ledger["refusals"].items():
        print(f"  refused by Cup Source (needs changes) x {n}: {details}")
    if ledger["remote_not_recorded"]:
        print(f"  at the sandbox, not yet recorded locally: {ledger['remote_not_recorded']}")
    missed.extend(problems)
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (60)")
    parser.add_argument("--users", type=int, default=30, help="simulated buyers (30)")
    parser.add_argument("--products", type=int, default=2000, help="SKUs in the sandbox (2,000)")
    parser.add_argument(
        "--database-url-base",
        default="postgres://postgres@127.0.0.1:5432",
        help="PostgreSQL server (no database name); a fresh database is created and dropped",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9", help="FLUSHDB'd!")
    parser.add_argument("--driver", choices=["locust", "threads"], default="locust")
    parser.add_argument("--settle", type=float, default=90, help="max s to wait for orders")
    parser.add_argument("--quick", action="store_true", help="8 buyers, 20 s, 500 SKUs")
    parser.add_argument("--keep", action="store_true", help="keep the logs' directory")
    args = parser.parse_args(argv)
    if args.quick:
        args.users, args.duration, args.products, args.settle = 8, 20, 500, 30
    if args.driver == "locust" and not (VENV_BIN / "locust").exists():
        print("locust is missing: pip install -e '.[bench]' (or use --driver threads).")
        return 2
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # clean up on kill, as on Ctrl-C

    tmp = Path(tempfile.mkdtemp(prefix="cupboard-bench-scaleout-"))
    base = args.database_url_base.rstrip("/")
    db_name = f"cupboard_scaleout_{secrets.token_hex(4)}"
    sandbox_port = str(free_port())
    env = bench_env(
        f"{base}/{db_name}",
        CACHE_URL=args.redis_url,
        CUPSOURCE_API_KEY=API_KEY,
        CUPSOURCE_API_URL=f"http://127.0.0.1:{sandbox_port}/v1",
        SANDBOX_PORT=sandbox_port,
        SANDBOX_RATE_LIMIT=str(LIMIT),
        CUPSOURCE_RATE_LIMIT=str(LIMIT),
        DJANGO_SETTINGS_MODULE="dashboard.settings",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        LOG_LEVEL="INFO",  # the client's one line per API request
    )
    print(f"Scale-out: 2 gunicorn instances x 2 workers — {machine_summary()}")
    print(
        f"  {args.users} buyers ({args.driver}) for {args.duration:g} s; {args.products:,} SKUs; "
        f"database {db_name}; cache {args.redis_url}; logs in {tmp}"
    )
    if note := busy_note():
        print(f"  {note}")
    procs = Processes()
    collector = None
    created = False
    try:
        flush_redis(args.redis_url)
        step(f"create database {db_name}", create_database, base, db_name)
        created = True
        step("migrate", manage, env, "migrate", "--no-input", "-v", "0")
        step("createcachetable", manage, env, "createcachetable")
        step("sandbox_seed", manage, env, "sandbox_seed", "--products", str(args.products))
        step("sandbox_create_key", manage, env, "sandbox_create_key", "--key", API_KEY)
        django_setup(env)
        collector = RequestLogCollector(API_KEY).start()
        sandbox_log = start_sandbox(procs, env, tmp)
        sync_log = tmp / "sync.log"
        step("sync_catalog (shares the key and the budget)", run_logged, env, sync_log,
             "sync_catalog", "-v", "0")  # fmt: skip
        from django.contrib.auth.hashers import make_password

        buyers = step(
            f"{args.users} buyers with addresses",
            create_buyers,
            args.users,
            make_password(PASSWORD),
        )
        from django.db import connection

        connection.close()
        bases, logs = step("start 2 x gunicorn, 2 workers, scheduler", start_stack, procs, env, tmp)
        logs["sync_catalog"] = sync_log
        load_start = time.time()
        if args.driver == "locust":
            seen = step(
                f"locust: {args.users} buyers, {args.duration:g} s",
                drive_with_locust,
                bases,
                buyers,
                duration=args.duration,
                tmp=tmp,
                env=env,
            )
        else:
            recorder, errors = step(
                f"threads: {args.users} buyers, {args.duration:g} s",
                drive_with_threads,
                bases,
                buyers,
                duration=args.duration,
                think=(2, 6),
            )
            seen = {
                "latencies": recorder.latencies(),
                "problems": recorder.problems(),
                "requests": len(recorder.samples),
                "errors": errors,
            }
        load_end = time.time()
        waited = wait_for_orders(args.settle)
        print(f"  waited {waited:.0f} s for orders still being sent (max {args.settle:g})")
        collector.stop()
        procs.stop_all()
        print(f"  dashboard responses: {seen['requests']}")
        for error in seen["errors"]:
            print(f"  driver error: {error}")
        missed = report(
            collector=collector,
            seen=seen,
            ledger=ledgers(),
            kinds=client_requests(logs),
            sandbox_429=sandbox_429s(sandbox_log),
            limit=LIMIT,
            load=(load_start, load_end),
        )
        if seen["errors"]:
            missed.append(f"{len(seen['errors'])} driver errors")
        from django.db import connections

        connections.close_all()
        if note := busy_note():
            print(f"  {note}")
        print("\nGoals: " + ("all met" if not missed else "MISSED: " + "; ".join(missed)))
        return 1 if missed else 0
    except KeyboardInterrupt:
        print("\nInterrupted; stopping everything.", file=sys.stderr)
        return 130
    except Exception as exc:
        print_failure(exc, sorted(tmp.glob("*.log")))
        return 1
    finally:
        if collector is not None:
            with contextlib.suppress(RuntimeError):
                collector.stop()
        clean_up(procs, tmp, keep=args.keep)
        if os.environ.get("DJANGO_SETTINGS_MODULE"):
            from django.db import connections

            connections.close_all()
        if created:
            drop_database(base, db_name)
        flush_redis(args.redis_url)


if __name__ == "__main__":
    raise SystemExit(main())
