"""Helpers shared by the bench/ scripts (stdlib only; no Django import here).

Each benchmark builds a throwaway environment (its own database in a temporary directory, its
own settings from environment variables), runs `manage.py` commands and servers as
subprocesses, and stops every process it started on the way out, even after an error or Ctrl-C.
"""

from __future__ import annotations

import calendar
import contextlib
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable  # run the benchmarks with the project's interpreter (.venv/bin/python)
VENV_BIN = Path(PYTHON).parent  # where gunicorn is
MANAGE = str(REPO / "manage.py")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_env(database_url: str, **overrides: str) -> dict[str, str]:
    """The environment for every subprocess: production-like settings, never the repo's .env."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CUPSOURCE_", "SANDBOX_", "DATABASE_", "CACHE_URL"))
    }
    env.update(
        {
            "DJANGO_READ_DOT_ENV": "false",
            "DJANGO_DEBUG": "false",
            "SECRET_KEY": "bench-secret-key-not-for-production",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": "http://127.0.0.1",
            "STATIC_MANIFEST": "false",
            # Plain HTTP on loopback stands in for the app behind its TLS proxy: no redirect.
            "SECURE_SSL_REDIRECT": "false",
            "SANDBOX_ENABLED": "true",
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(REPO),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(overrides)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 900) -> str:
    """Run `manage.py ARGS` to completion; return its stdout, or raise with its stderr."""
    result = subprocess.run(
        [PYTHON, MANAGE, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-3000:]}"
        )
    return result.stdout


class Processes:
    """Start long-running subprocesses (each in its own process group) and stop them all."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen] = []

    def start(self, args: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen:
        with open(log, "ab") as out:
            proc = subprocess.Popen(
                args,
                cwd=REPO,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.procs.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen, timeout: float = 10) -> None:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)  # the group we created for it, by its id
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=timeout)
        if proc in self.procs:
            self.procs.remove(proc)

    def stop_all(self) -> None:
        for proc in reversed(list(self.procs)):
            self.stop(proc)

    def __enter__(self) -> Processes:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop_all()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Report a redirect as it is (an HTTPError) instead of following it."""

    def redirect_request(self, *args, **kwargs):
        return None


def wait_for_http(url: str, *, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    """Poll `url` until it answers at all (any status), or fail with the server's log."""
    opener = urllib.request.build_opener(NoRedirect)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"Server exited ({proc.returncode}):\n{tail(log)}")
        try:
            opener.open(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s:\n{tail(log)}")


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def proc_status_kb(pid: int, field: str) -> int | None:
    """A `kB` field of /proc/PID/status (VmRSS, VmHWM, …), or None if the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def child_pids(pid: int) -> list[int]:
    children: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                children.extend(int(c) for c in f.read().split())
    except OSError:
        pass
    return children


def mib(kb: float | None) -> str:
    return "n/a" if kb is None else f"{kb / 1024:.1f} MiB"


def machine_summary() -> str:
    cpu = "unknown CPU"
    try:
        match = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        if match:
            cpu = match.group(1).strip()
    except OSError:
        pass
    django_version = subprocess.run(
        [PYTHON, "-c", "import django; print(django.get_version())"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return (
        f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, "
        f"Django {django_version or '?'}, {time.strftime('%Y-%m-%d %H:%M %Z')}"
    )


def busy_note() -> str | None:
    """Whether a test run (pytest) is using the machine right now, as a warning line."""
    result = subprocess.run(["pgrep", "-f", "pytest"], capture_output=True, text=True, check=False)
    pids = [p for p in result.stdout.split() if int(p) != os.getpid()]
    if pids:
        return (
            f"note: a pytest run is using the machine (pids {', '.join(pids)}); figures may be low"
        )
    return None


# --- helpers for bench/web.py and bench/soak.py (the whole production stack) -----------------

SANDBOX_LOG_SETTINGS = '''"""Project settings plus the sandbox's access log (bench/common.py)."""

from dashboard.settings import *  # noqa: F403

LOGGING["loggers"]["django.server"] = {  # noqa: F405 (one line per request, with its time)
    "level": "INFO",
    "handlers": ["console"],
    "propagate": False,
}
'''
SANDBOX_LINE = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) \w+ (?:\[[^\]]*\] )?django\.server "
    r'"(\w+) (\S+) HTTP/[\d.]+" (\d{3})',
    re.M,
)
FAULT_LINE = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) \w+ (?:\[[^\]]*\] )?sandbox "
    r"Injecting fault (\S+) into (\w+) (\S+)",
    re.M,
)


def sandbox_log_settings(tmp: Path) -> dict[str, str]:
    """Environment overrides that give `sandbox_serve` an access log (one INFO line per request,
    with its time, method, path and status) and the fault lines: a settings module in `tmp`."""
    (tmp / "bench_sandbox_settings.py").write_text(SANDBOX_LOG_SETTINGS)
    return {
        "DJANGO_SETTINGS_MODULE": "bench_sandbox_settings",
        "PYTHONPATH": f"{tmp}{os.pathsep}{REPO}",
        "LOG_LEVEL": "INFO",
        "LOG_FORMAT": "plain",
    }


def log_time(stamp: str) -> float:
    # Django sets the process's TZ to TIME_ZONE (UTC here), so asctime is UTC.
    return calendar.timegm(time.strptime(stamp[:19], "%Y-%m-%d %H:%M:%S")) + int(stamp[20:]) / 1000


def sandbox_requests(log: Path) -> list[tuple[float, str, str, int]]:
    """(unix time, method, path, status) of every request in a sandbox access log. The time is
    when the answer was written (after an injected `timeout`, when the hold ended)."""
    text = log.read_text(errors="replace")
    return [(log_time(t), m, p, int(s)) for t, m, p, s in SANDBOX_LINE.findall(text)]


def sandbox_faults(log: Path) -> list[tuple[float, str, str, str]]:
    """(unix time, fault kind, method, path) of every fault the sandbox injected."""
    text = log.read_text(errors="replace")
    return [(log_time(t), k, m, p) for t, k, m, p in FAULT_LINE.findall(text)]


def start_stack(
    procs: Processes, env: dict[str, str], tmp: Path, port: int, *, workers: int = 2
) -> dict[str, subprocess.Popen]:
    """What `make serve` (scripts/serve.sh) runs: gunicorn with an access log, the `default`
    and `catalog` task workers and the scheduler; waits until gunicorn answers."""
    started = {
        "gunicorn": procs.start(
            [
                str(VENV_BIN / "gunicorn"),
                "dashboard.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--access-logfile",
                str(tmp / "access.log"),
            ],
            env=env,
            log=tmp / "gunicorn.log",
        ),
        "worker-default": procs.start(
            [PYTHON, MANAGE, "run_worker", "--queue-name", "default", "--no-reload"],
            env=env,
            log=tmp / "worker-default.log",
        ),
        "worker-catalog": procs.start(
            [PYTHON, MANAGE, "run_worker", "--queue-name", "catalog", "--no-reload"],
            env=env,
            log=tmp / "worker-catalog.log",
        ),
        "scheduler": procs.start(
            [PYTHON, MANAGE, "run_scheduler"], env=env, log=tmp / "scheduler.log"
        ),
    }
    wait_for_http(
        f"http://127.0.0.1:{port}/healthz", proc=started["gunicorn"], log=tmp / "gunicorn.log"
    )
    return started


def access_log_statuses(log: Path) -> dict[int, int]:
    """How many responses of each status gunicorn's access log (the default format) shows."""
    counts: dict[int, int] = {}
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return counts
    for status in re.findall(r'" (\d{3}) ', text):
        counts[int(status)] = counts.get(int(status), 0) + 1
    return counts


def access_log_5xx(log: Path) -> list[str]:
    """The lines of gunicorn's access log with a 5xx status."""
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return []
    return [line for line in text.splitlines() if re.search(r'" 5\d\d ', line)]


class Browser:
    """One buyer's cookies, as a browser keeps them, over plain HTTP on loopback.

    http.cookiejar would not send the `Secure` cookies that production settings set (session,
    CSRF) over plain HTTP, so the cookies are kept by hand. Redirects are reported, not followed.
    """

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(
        self,
        path: str,
        data: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 120,
    ) -> tuple[int, dict[str, str], str]:
        """GET (or POST `data`, form-encoded); (status, headers, body text)."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(  # noqa: S310 (loopback)
            self.base + path, data=body, headers={**(headers or {}), "Cookie": self.cookie_header}
        )
        try:
            response = self.opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as exc:
            response = exc
        with response:
            status, text = response.status, response.read().decode(errors="replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                value = rest.split(";", 1)[0]
                if "expires=Thu, 01 Jan 1970" in header or "Max-Age=0" in header:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
            return status, dict(response.headers.items()), text

    def csrf_token(self, path: str = "/cart/") -> str:
        """The form token of a page (the `csrftoken` cookie comes with it)."""
        status, _, body = self.request(path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or not match:
            raise RuntimeError(f"GET {path} answered {status} with no CSRF token:\n{body[:500]}")
        return match.group(1)

    def login(self, username: str, password: str) -> None:
        token = self.csrf_token("/login/")
        status, _, body = self.request(
            "/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"Logging in as {username} answered {status}:\n{body[:500]}")


def gunicorn_workers_memory(master_pid: int) -> list[tuple[int, int | None, int | None]]:
    """(pid, VmRSS kB, VmHWM kB) of each worker child of a gunicorn master."""
    return [
        (pid, proc_status_kb(pid, "VmRSS"), proc_status_kb(pid, "VmHWM"))
        for pid in child_pids(master_pid)
    ]


def print_failure(exc: Exception, logs, lines: int = 15) -> None:
    """Say why a run failed, with the end of each of `logs` (paths) that was written."""
    print(f"\nFailed: {exc}", file=sys.stderr)
    for log in logs:
        if log.exists():
            print(f"--- {log.name} (tail) ---\n{tail(log, lines)}", file=sys.stderr)


def clean_up(procs: Processes, tmp: Path, *, keep: bool) -> None:
    """Stop every process a run started, and remove its directory unless asked to keep it."""
    procs.stop_all()
    if keep:
        print(f"  kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)


def step(label: str, fn, *args, **kwargs):
    """Run `fn(*args, **kwargs)` between "  label ..." and the seconds it took."""
    print(f"  {label} ...", end="", flush=True)
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    print(f" {time.perf_counter() - started:.1f} s", flush=True)
    return result
