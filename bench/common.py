"""Helpers shared by bench/catalog.py and bench/sync.py (stdlib only; no Django import here).

Each benchmark builds a throwaway environment (its own database in a temporary directory, its
own settings from environment variables), runs `manage.py` commands and servers as
subprocesses, and stops every process it started on the way out, even after an error or Ctrl-C.
"""

from __future__ import annotations

import contextlib
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
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
