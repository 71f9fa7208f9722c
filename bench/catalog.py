"""Throughput of the catalog's pages against a hello-world view, under gunicorn and wrk.

    python bench/catalog.py                                  # 50,000 SKUs, SQLite in a temp dir
    python bench/catalog.py --products 2000 --duration 3     # a quick smoke test
    python bench/catalog.py --database-url postgres://u:p@127.0.0.1/cupboard_bench  # EMPTY db

Everything happens in a throwaway directory: its own database (migrated, then filled by a real
`sync_catalog` from a sandbox seeded with N generated SKUs, at a rate limit high enough not to
wait, so the mirror holds the sandbox's products, lid fits and a succeeded sync run), a buyer
with a session, and gunicorn (`-w 2`, debug off) serving the project's URLs plus `/bench/hello/`
(bench/bench_urls.py: a plain `HttpResponse("hello")` through the same middleware). wrk drives
both URLs over loopback with the buyer's cookies, after a warm-up, alternating round by round, so
drift on a shared machine hits both. The goal: catalog req/s >= 0.5 x hello req/s. Below that
(or with --profile) it profiles one catalog request in-process: queries, their time, cProfile.

Then the URL mixes: what a team actually requests, each URL about once (a Lua script hands every
wrk connection the next URL of a list; each round has its own lists, so nothing is seen twice):

- filters:  distinct filter / sort / page URLs (category, material, capacity, in stock, sort,
            page), goal >= 0.3 x hello;
- searches: distinct searches (catalog words, typos, units, SKU prefixes, with and without a
            filter), goal >= 0.3 x hello;
- products: distinct product pages, goal >= 0.6 x hello.

A mix that asks for more requests than its list holds starts the list again (the report says
how many were repeats: those are kept renderings, not first views).
"""

from __future__ import annotations

import argparse
import inspect
import io
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # (after the path tweak above)
    MANAGE,
    PYTHON,
    VENV_BIN,
    NoRedirect,
    Processes,
    bench_env,
    busy_note,
    child_pids,
    clean_up,
    free_port,
    machine_summary,
    manage,
    mib,
    print_failure,
    proc_status_kb,
    step,
    wait_for_http,
)

HELLO = "/bench/hello/"
CATALOG = "/catalog/?category=cups&material=paper&capacity=12&sort=price"
MIX_GOALS = {"filters": 0.3, "searches": 0.3, "products": 0.6}
MIX_LUA = """-- bench/catalog.py: each connection takes the next URL of a list (argument 1), every
-- thread its own share of it (thread i takes URLs i, i + n, i + 2n, ... of n threads).
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  paths = {}
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  step = tonumber(args[2])
  position = id
end
function request()
  local path = paths[(position % #paths) + 1]
  position = position + step
  return wrk.format("GET", path)
end
"""
SEARCH_WORDS = [
    "cup", "cups", "bowl", "bowls", "lid", "lids", "kraft", "ripple", "rippel", "riple",
    "compostable", "compostible", "pla", "paper", "plastic", "clear", "dome", "flat", "sip",
    "vented", "deli", "container", "soup", "hot", "cold", "double wall", "single wall", "black",
    "white", "sage", "navy", "blush", "charcoal", "terracota", "print", "design", "12oz", "16 oz",
    "8oz", "20 oz", "32oz", "lid 12", "lid 16", "cs-8oz", "cs-bwl", "cs-lid-90", "moulded fibre",
    "polystyrene", "pet", "eco",
]  # fmt: skip
API_KEY = "bench-catalog-key-0123456789"
GOAL = 0.5
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def load_mirror(env: dict[str, str], products: int, tmp: Path, procs: Processes) -> None:
    """Migrate, seed the sandbox with N SKUs and mirror them with a real sync."""
    step("migrate", manage, env, "migrate", "--no-input", "-v", "0")
    step("createcachetable", manage, env, "createcachetable")
    step(
        f"sandbox_seed --products {products}",
        manage,
        env,
        "sandbox_seed",
        "--products",
        str(products),
    )
    step("sandbox_create_key", manage, env, "sandbox_create_key", "--key", API_KEY)
    port = int(env["SANDBOX_PORT"])
    log = tmp / "sandbox.log"
    sandbox = procs.start([PYTHON, MANAGE, "sandbox_serve", "--port", str(port)], env=env, log=log)
    wait_for_http(f"http://127.0.0.1:{port}/v1/openapi.json", proc=sandbox, log=log)
    step(
        "sync_catalog (real sync from the sandbox)",
        manage,
        env,
        "sync_catalog",
        "-v",
        "0",
        timeout=1800,
    )
    procs.stop(sandbox)


def django_setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    warnings.filterwarnings("ignore", "No directory at")  # no collectstatic: not needed here
    import django

    django.setup()


def buyer_session() -> tuple[str, dict]:
    """A buyer login (session id) and a summary of what the mirror holds."""
    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.test import Client

    from catalog_app.models import LidFit, Product, SyncRun

    user, _ = get_user_model().objects.get_or_create(username="bench-buyer")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    mirror = {
        "products": Product.objects.count(),
        "lid_fits": LidFit.objects.count(),
        "sync_runs": list(SyncRun.objects.values_list("status", "pages")),
    }
    session_id = client.cookies["sessionid"].value
    connections.close_all()  # hold no database connection while gunicorn is measured
    return session_id, mirror


def fetch(url: str, cookie: str) -> tuple[int, bytes, list[str]]:
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 (loopback)
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.read(), response.headers.get_all("Set-Cookie") or []
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), []


def check_pages(base: str, session_id: str) -> tuple[str, int]:
    """Both URLs answer 200 to the buyer (no redirect to the login page); return the cookie
    header wrk should send (session and CSRF cookie, as a browser would) and the result count."""
    cookie = f"sessionid={session_id}"
    status, body, set_cookies = fetch(base + CATALOG, cookie)
    if status != 200:
        raise RuntimeError(f"{CATALOG} answered {status}, not 200:\n{body[:500]!r}")
    match = re.search(rb'class="result-count">([\d,]+) product', body)
    if not match:
        raise RuntimeError(f"{CATALOG} shows no result count:\n{body[:800]!r}")
    for header in set_cookies:
        if header.startswith("csrftoken="):
            cookie += "; " + header.split(";", 1)[0]
    status, body, _ = fetch(base + HELLO, cookie)
    if status != 200 or body != b"hello":
        raise RuntimeError(f"{HELLO} answered {status}: {body[:200]!r}")
    return cookie, int(match.group(1).replace(b",", b""))


def to_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        raise ValueError(f"unexpected wrk duration {text!r}")
    return float(match.group(1)) * UNITS_MS[match.group(2)]


def run_wrk(
    url: str,
    cookie: str,
    *,
    threads: int,
    connections: int,
    duration: float,
    paths: Path | None = None,
) -> dict:
    """One wrk run against `url`, or (with `paths`) against the URLs listed in that file, each
    in turn (MIX_LUA)."""
    script = []
    if paths is not None:
        lua = paths.with_suffix(".lua")
        lua.write_text(MIX_LUA)
        script = ["-s", str(lua)]
    args = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration:g}s",
        "--latency",
        "--timeout",
        "60s",  # slow answers count in the latencies instead of as socket timeouts (2 s default)
        "-H",
        f"Cookie: {cookie}",
        *script,
        url,
    ]
    if paths is not None:
        args += ["--", str(paths), str(threads)]
    result = subprocess.run(
        args, capture_output=True, text=True, timeout=duration + 60, check=False
    )
    out = result.stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    if result.returncode != 0 or not rps or not total:
        raise RuntimeError(f"wrk failed ({result.returncode}):\n{out}\n{result.stderr}")
    latency = {p: to_ms(v) for p, v in re.findall(r"^ *(50|75|90|99)% +(\S+) *$", out, re.M)}
    if len(latency) < 4:
        raise RuntimeError(f"no latency distribution in wrk's output:\n{out}\n{result.stderr}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.+)", out)
    return {
        "rps": float(rps.group(1)),
        "requests": int(total.group(1)),
        "p50": latency.get("50"),
        "p90": latency.get("90"),
        "p99": latency.get("99"),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "errors": errors.group(1).strip() if errors else "",
    }


class QueryLog:
    """Every SQL statement run on a connection (`connection.execute_wrapper`)."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        self.queries.append((sql, params))
        return execute(sql, params, many, context)


def time_query(cursor, sql: str, params: object, repeat: int = 5) -> float:
    """Median ms to execute a query and fetch all its rows (SQLite does most of its work while
    rows are fetched, so timing `execute` alone would miss it)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        cursor.execute(sql, params)
        cursor.fetchall()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def profile_parts() -> list[tuple[str, object]]:
    """(label, function): where a catalog request spends its time, cumulatively."""
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.template.defaulttags import CsrfTokenNode
    from django.template.loader_tags import IncludeNode
    from django.template.response import SimpleTemplateResponse
    from django.urls import reverse

    from catalog_app import listing, mirror, views
    from core import user_facts
    from orders_app.context_processors import cart_summary

    return [
        ("the view", views.product_list),
        ("  of which the listing (kept rendering, or rendered anew)", listing.listing_html),
        ("    of which rendering it anew (a miss: counts, facets, rows)", listing._render),
        ("      of which the facet counts", listing._facets),
        ("    of which the mirror version (shared cache)", mirror.mirror_version),
        ("    of which the viewer's key (user, CSRF secret, facts)", user_facts.viewer_key),
        (
            "rendering the page around the listing (base.html)",
            SimpleTemplateResponse.rendered_content.fget,
        ),
        ("  of which {% include %}", IncludeNode.render),
        ("  of which {% url %} / reverse()", reverse),
        ("  of which |intcomma", intcomma),
        ("  of which {% csrf_token %}", CsrfTokenNode.render),
        ("the cart-badge context processor", cart_summary),
    ]  # fmt: skip


def profile_catalog(samples: int = 20) -> None:
    """One catalog request under the microscope (in-process, same settings and database)."""
    import cProfile
    import pstats

    from django.contrib.auth import get_user_model
    from django.core.cache import caches
    from django.db import connection
    from django.test import Client

    from catalog_app import listing

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username="bench-buyer"))
    for path in (HELLO, CATALOG):
        assert client.get(path).status_code == 200  # warm: templates, URL resolver, connection

    def timed(path: str, *, miss: bool = False, **headers: str) -> float:
        times = []
        for _ in range(samples):
            if miss:
                caches["default"].clear()  # the listing must be rendered anew
            started = time.perf_counter()
            client.get(path, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)

    hello_ms, catalog_ms = timed(HELLO), timed(CATALOG)
    partial_ms = timed(CATALOG, **{"HX-Request": "true"})
    miss_ms = timed(CATALOG, miss=True)
    full_page = listing.PER_PAGE
    listing.PER_PAGE = 1  # in this process only: what a miss costs without its rows
    try:
        one_row_ms = timed(CATALOG, miss=True)
    finally:
        listing.PER_PAGE = full_page
    print(f"\nProfile of the catalog request (in-process test client, {CATALOG}):")
    print(
        f"  median of {samples}: hello {hello_ms:.2f} ms; catalog {catalog_ms:.2f} ms (the listing"
        f" already rendered for this URL and mirror version), its htmx partial {partial_ms:.2f}"
        f" ms; the first view after a mirror change (rendered anew) {miss_ms:.2f} ms, with 1 row"
        f" instead of {full_page} {one_row_ms:.2f} ms"
        f" -> {(miss_ms - one_row_ms) / (full_page - 1):.2f} ms per row"
    )
    log = QueryLog()
    with connection.execute_wrapper(log):
        caches["default"].clear()
        client.get(CATALOG)  # a first view: every query the listing needs
    with connection.cursor() as cursor:
        queries = sorted(
            ((time_query(cursor, sql, params), sql, params) for sql, params in log.queries),
            key=lambda q: q[0],
            reverse=True,
        )
    sql_ms = sum(q[0] for q in queries)
    print(
        f"  a first view: {len(queries)} SQL queries, {sql_ms:.1f} ms to run them again one by "
        "one (execute + fetch, median of 5); slowest first:"
    )
    for ms, sql, _ in queries:
        sql = " ".join(sql.split())
        print(f"    {ms:7.2f} ms  {sql[:140]}{'…' if len(sql) > 140 else ''}")
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    print("  plans of the four slowest:")
    with connection.cursor() as cursor:
        for _, sql, params in queries[:4]:
            cursor.execute(explain + sql, params)
            plan = "; ".join(str(row[-1]) for row in cursor.fetchall())
            print(f"    {' '.join(sql.split())[:90]}…\n      -> {plan}")

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(samples):
        client.get(CATALOG)  # views as the benchmark makes them: the listing already rendered
    profiler.disable()
    stats = pstats.Stats(profiler)
    print(
        f"  where the time goes (cProfile, {samples} requests; ms per request, cumulative,"
        " inflated by profiling):"
    )
    for label, function in profile_parts():
        code = inspect.unwrap(function).__code__
        key = (code.co_filename, code.co_firstlineno, code.co_name)
        cumulative = stats.stats[key][3] if key in stats.stats else 0.0
        print(f"    {cumulative * 1000 / samples:8.2f}  {label}")
    driver = sum(
        tt
        for (filename, _, name), (_, _, tt, _, _) in stats.stats.items()
        if filename == "~" and ("sqlite3.Cursor" in name or "CursorWrapper.execute" in name)
    )
    if connection.vendor == "sqlite":
        print(f"    {driver * 1000 / samples:8.2f}  inside SQLite (execute + fetch, own time)")
    total = sum(tt for (_, _, _), (_, _, tt, _, _) in stats.stats.items())
    print(f"    {total * 1000 / samples:8.2f}  everything (profiled)")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(12)
    body = out.getvalue()
    print("  top 12 functions by own time:")
    print("\n".join("    " + line for line in body[body.find("ncalls") :].splitlines() if line))


def mix_urls(rounds: int, seed: int = 15) -> dict[str, list[list[str]]]:
    """For each mix, `rounds` lists of distinct URLs (no URL in two lists), from the mirror."""
    import itertools
    import random
    from urllib.parse import urlencode

    from catalog_app.forms import SORTS
    from catalog_app.models import Category, Material, Product

    rng = random.Random(seed)
    offered = Product.objects.available()
    capacities = sorted(
        set(offered.exclude(capacity_oz=None).values_list("capacity_oz", flat=True))
    )
    filters = []
    for category, material, capacity, stock, sort, page in itertools.product(
        ["", *Category.values], ["", *Material.values], ["", *map(str, capacities)], ["", "on"],
        ["", *SORTS], ["", "2", "3", "5"],
    ):  # fmt: skip
        params = {"category": category, "material": material, "capacity": capacity,
                  "in_stock": stock, "sort": sort, "page": page}  # fmt: skip
        filters.append("/catalog/?" + urlencode({k: v for k, v in params.items() if v}))
    words = list(SEARCH_WORDS)
    searches = {" ".join(pair) for pair in itertools.permutations(words, 2)} | set(words)
    searches = [f"/catalog/?{urlencode({'q': q})}" for q in sorted(searches)]
    searches += [f"{url}&category={c}" for url in searches[:400] for c in Category.values]
    skus = list(offered.values_list("sku", flat=True))
    products = [f"/catalog/{sku}/" for sku in skus]
    mixes = {}
    for name, urls in (("filters", filters), ("searches", searches), ("products", products)):
        rng.shuffle(urls)
        share = len(urls) // rounds
        mixes[name] = [urls[i * share : (i + 1) * share] for i in range(rounds)]
    return mixes


def report_mixes(results: dict[str, list[dict]], distinct: dict[str, list[int]]) -> dict:
    """The URL mixes against hello (the same rounds): ratios, and whether each goal is met."""
    print("\nURL mixes (each URL about once; 'repeats' were asked for a second time):")
    print(
        f"  {'':10} {'req/s':>9} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'requests':>9} "
        f"{'distinct':>9} {'repeats':>8} {'non-2xx':>8}"
    )
    means = {}
    for name, runs in results.items():
        for i, r in enumerate(runs):
            listed = distinct.get(name, [0] * len(runs))[i]
            repeats = max(0, r["requests"] - listed) if listed else 0
            print(
                f"  {name + f' #{i + 1}':10} {r['rps']:9.1f} {r['p50']:8.2f} {r['p90']:8.2f} "
                f"{r['p99']:8.2f} {r['requests']:9d} {listed or '-':>9} {repeats:8d} "
                f"{r['non_2xx']:8d}"
            )
        means[name] = statistics.fmean(r["rps"] for r in runs)
    ratios = {}
    for name, goal in {"catalog": GOAL, **MIX_GOALS}.items():
        ratios[name] = means[name] / means["hello"]
        verdict = "met" if ratios[name] >= goal else "NOT met"
        print(f"  {name:8} / hello = {ratios[name]:.2f} (goal >= {goal}: {verdict})")
    return ratios


def report(
    results: dict[str, list[dict]],
    workers_rss: list[tuple[int, int | None, int | None]],
    products: int,
    matches: int,
) -> float:
    print(f"\nResults ({products:,} SKUs in the mirror; the filter matches {matches:,}):")
    print(
        f"  {'':8} {'req/s':>9} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'requests':>9} "
        f"{'non-2xx':>8}  socket errors"
    )
    means = {}
    for name, runs in results.items():
        for i, r in enumerate(runs, 1):
            print(
                f"  {name + f' #{i}':8} {r['rps']:9.1f} {r['p50']:8.2f} {r['p90']:8.2f} "
                f"{r['p99']:8.2f} {r['requests']:9d} {r['non_2xx']:8d}  {r['errors'] or '-'}"
            )
        means[name] = statistics.fmean(r["rps"] for r in runs)
    if not means["hello"]:
        raise RuntimeError("no hello-world response completed: the run is too short")
    ratio = means["catalog"] / means["hello"]
    verdict = "met" if ratio >= GOAL else "NOT met"
    print(f"  mean req/s: hello {means['hello']:.1f}, catalog {means['catalog']:.1f}")
    print(f"  ratio catalog/hello = {ratio:.2f} (goal >= {GOAL}: {verdict})")
    print(
        "  gunicorn workers after the run: "
        + ", ".join(f"pid {pid} RSS {mib(rss)} (peak {mib(hwm)})" for pid, rss, hwm in workers_rss)
    )
    return ratio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=50_000, help="SKUs in the mirror")
    parser.add_argument("--database-url", help="use this (EMPTY, throwaway) database, not SQLite")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--duration", type=float, default=15, help="seconds per wrk run")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of warm-up per URL")
    parser.add_argument("--rounds", type=int, default=2, help="hello+catalog rounds (default 2)")
    parser.add_argument(
        "--mix-duration", type=float, default=10, help="seconds per URL-mix run (0: no mixes)"
    )
    parser.add_argument("--profile", action="store_true", help="profile even if the goal is met")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)

    if shutil.which("wrk") is None:
        print(
            "wrk is not installed: `apt-get install -y wrk` (Debian/Ubuntu), then run again.",
            file=sys.stderr,
        )
        return 2
    gunicorn = VENV_BIN / "gunicorn"
    if not gunicorn.exists():
        print(f"{gunicorn} is missing: run this with the project venv.", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # clean up on kill, as on Ctrl-C

    tmp = Path(tempfile.mkdtemp(prefix="cupboard-bench-catalog-"))
    database_url = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    env = bench_env(
        database_url,
        DJANGO_SETTINGS_MODULE="bench.bench_settings",
        CUPSOURCE_API_KEY=API_KEY,
        SANDBOX_PORT=str(free_port()),
        SANDBOX_RATE_LIMIT="1000000",  # loading the mirror is not what is measured here
        CUPSOURCE_RATE_LIMIT="1000000",
    )
    env["CUPSOURCE_API_URL"] = f"http://127.0.0.1:{env['SANDBOX_PORT']}/v1"
    print(f"Catalog page vs hello world — {machine_summary()}")
    print(f"  database: {'given URL' if args.database_url else database_url}; work dir {tmp}")
    if note := busy_note():
        print(f"  {note}")
    procs = Processes()
    try:
        load_mirror(env, args.products, tmp, procs)
        django_setup(env)
        session_id, mirror = buyer_session()
        print(
            f"  mirror: {mirror['products']:,} products, {mirror['lid_fits']:,} lid fits, "
            f"sync runs (status, pages): {mirror['sync_runs']}"
        )

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = tmp / "gunicorn.log"
        server = procs.start(
            [str(gunicorn), "dashboard.wsgi", "-w", str(args.workers), "-b", f"127.0.0.1:{port}"],
            env=env,
            log=log,
        )
        wait_for_http(base + HELLO, proc=server, log=log)
        cookie, matches = check_pages(base, session_id)
        wrk_opts = {"threads": args.threads, "connections": args.connections}
        print(
            f"  wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s --latency, "
            f"gunicorn -w {args.workers}; warm-up {args.warmup:g} s per URL"
        )
        for path in (HELLO, CATALOG):
            run_wrk(base + path, cookie, duration=args.warmup, **wrk_opts)
        results: dict[str, list[dict]] = {"hello": [], "catalog": []}
        for _ in range(args.rounds):
            for name, path in (("hello", HELLO), ("catalog", CATALOG)):
                results[name].append(
                    run_wrk(base + path, cookie, duration=args.duration, **wrk_opts)
                )
        mixes = mix_urls(args.rounds) if args.mix_duration else {}
        mixed: dict[str, list[dict]] = {"hello": [], "catalog": [], **{m: [] for m in mixes}}
        distinct: dict[str, list[int]] = {m: [] for m in mixes}
        for round_number in range(args.rounds if mixes else 0):
            mixed["hello"].append(run_wrk(base + HELLO, cookie, duration=args.mix_duration,
                                          **wrk_opts))  # fmt: skip
            mixed["catalog"].append(run_wrk(base + CATALOG, cookie, duration=args.mix_duration,
                                            **wrk_opts))  # fmt: skip
            for name, lists in mixes.items():
                listed = tmp / f"{name}-{round_number}.txt"
                listed.write_text("\n".join(lists[round_number]) + "\n")
                distinct[name].append(len(lists[round_number]))
                mixed[name].append(
                    run_wrk(base + "/", cookie, duration=args.mix_duration, paths=listed,
                            **wrk_opts)
                )  # fmt: skip
        workers = [
            (pid, proc_status_kb(pid, "VmRSS"), proc_status_kb(pid, "VmHWM"))
            for pid in child_pids(server.pid)
        ]
        procs.stop(server)
        ratio = report(results, workers, mirror["products"], matches)
        if mixes:
            report_mixes(mixed, distinct)
        if note := busy_note():
            print(f"  {note}")
        if ratio < GOAL or args.profile:
            profile_catalog()
    except KeyboardInterrupt:
        print("\nInterrupted; stopping servers.", file=sys.stderr)
        return 130
    except Exception as exc:
        print_failure(exc, [tmp / "gunicorn.log", tmp / "sandbox.log"], lines=30)
        return 1
    finally:
        clean_up(procs, tmp, keep=args.keep)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
