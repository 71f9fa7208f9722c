#!/usr/bin/env python3
"""Perform docs/install.md on this Debian machine, as written, and log a buyer in over HTTPS.

    python3 scripts/install-check.py [--python /opt/python3.13/bin/python3.13]
        [--redis-url redis://127.0.0.1:6379/0] [--keep]

Run it as root on a Debian 12 machine (a fresh VM, ideally) with PostgreSQL on 127.0.0.1:5432
(or let the guide's packages step install it). It reads the `# step:` blocks of docs/install.md
and runs each one with bash (`-euo pipefail`), in order, in a fresh clone of the repository it
is run from; the steps it cannot run as written (see HANDLING, and the table at the end of the
guide) it names, says why, and does the nearest thing instead. Then it starts each systemd
unit's ExecStart as the unit says (User=, WorkingDirectory=, EnvironmentFile=), checks
`nginx -t`, probes /healthz over plain HTTP through nginx, and logs a buyer in over HTTPS
through nginx (CSRF token, secure session cookie) and opens the overview.

It needs /srv/cupboard, /etc/cupboard.env, the user `cupboard` and the database `cupboard`
not to exist; ports 80, 443, 8000 and 8100 free. Unless --keep, it removes everything it made
at the end (the packages stay). Exit status 0 when every step passed.

Python's standard library only (Debian's python3 runs it).
"""

from __future__ import annotations

import argparse
import configparser
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "docs" / "install.md"
STEP = re.compile(r"```sh\n# step: ([a-z-]+)\n(.*?)```", re.S)
HOST = "cupboard.test"
DIR = Path("/srv/cupboard")
ENV_FILE = Path("/etc/cupboard.env")
CERT_DIR = Path(f"/etc/letsencrypt/live/{HOST}")
BUYER, BUYER_PASSWORD = "checkbuyer", "check-buyer-pw-4821"
SBIN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

# How each step of the guide is performed: "run" as written; "skip" (why); "replace" (why: the
# check's own function does it); "lines" (why: the lines starting with these are left to the
# check's function, the rest runs as written).
HANDLING = {
    "settings": ("replace", "the check's own host, repository, Redis database and Python"),
    "packages": ("run", ""),
    "python-build": ("skip", "downloads from python.org; --python names a 3.12+ instead"),
    "python-packaged": ("skip", "the alternative to python-build on Debian 13 / Ubuntu 24.04"),
    "user": ("run", ""),
    "clone": ("run", ""),
    "database": ("run", ""),
    "env-file": ("run", ""),
    "prepare": ("run", ""),
    "sandbox": ("lines", "systemd may not be PID 1 here: the check starts sandbox_serve itself"),
    "first-login": ("replace", "createsuperuser asks for a password: created without asking"),
    "units": ("replace", "systemd may not be PID 1 here: each unit's ExecStart is started"),
    "tls": ("replace", "Let's Encrypt needs a public name: a self-signed certificate instead"),
    "nginx": ("lines", "systemctl: nginx is started or reloaded directly"),
    "try-it": ("replace", "curl with the self-signed certificate, then a buyer's HTTPS login"),
    "go-live": ("skip", "needs a real Cup Source key and the internet"),
}
LEFT_TO_CHECK = ("systemd-run ", "systemctl ")


class CheckFailed(Exception):
    pass


class Check:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.procs: list[subprocess.Popen] = []
        self.made: list[str] = []  # what to undo, in order of making
        self.env = {
            "PATH": SBIN_PATH,
            "HOME": "/root",
            "LANG": "C.UTF-8",
            "DEBIAN_FRONTEND": "noninteractive",
        }
        self.summary: list[tuple[str, str, str]] = []
        self.logs = Path(tempfile.mkdtemp(prefix="cupboard-install-check-"))

    # --- the steps ------------------------------------------------------------------------------

    def run(self) -> None:
        steps = STEP.findall(GUIDE.read_text())
        unknown = [name for name, _ in steps if name not in HANDLING]
        if unknown:
            raise CheckFailed(f"docs/install.md has steps the check does not know: {unknown}")
        for name, text in steps:
            how, why = HANDLING[name]
            print(f"\n=== step {name}: {how}{' — ' + why if why else ''}", flush=True)
            if how == "run":
                self.bash(name, text)
            elif how == "lines":
                kept = "\n".join(
                    line for line in text.splitlines() if not line.startswith(LEFT_TO_CHECK)
                )
                self.bash(name, kept)
                getattr(self, f"step_{name.replace('-', '_')}")()
            elif how == "replace":
                getattr(self, f"step_{name.replace('-', '_')}")()
            self.summary.append((name, how, why))

    def bash(self, name: str, text: str) -> None:
        self.made.append(name)
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", text], env=self.env, cwd="/", check=False
        )
        if result.returncode != 0:
            raise CheckFailed(f"step {name} failed (exit {result.returncode})")

    def step_settings(self) -> None:
        python = self.args.python
        check = "import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)"
        if subprocess.run(["runuser", "-u", "nobody", "--", python, "-c", check]).returncode:
            raise CheckFailed(f"{python} is not a Python 3.12+ that every user can run")
        self.env.update(
            CUPBOARD_HOST=HOST,
            CUPBOARD_REPO=str(REPO),
            DB_PASSWORD="install-check-" + os.urandom(6).hex(),
            REDIS_URL=self.args.redis_url,
            PYTHON=python,
        )
        print(f"host {HOST}, repository {REPO}, Redis {self.args.redis_url}, Python {python}")

    def step_sandbox(self) -> None:
        self.start("sandbox", "cupboard", DIR, [".venv/bin/python", "manage.py", "sandbox_serve",
                                               "--port", "8100"])  # fmt: skip
        self.wait_http("http://127.0.0.1:8100/v1/openapi.json")

    def step_first_login(self) -> None:
        code = (
            "from django.contrib.auth.models import User; "
            "User.objects.create_superuser('checkadmin', password='check-admin-pw-4821'); "
            f"User.objects.create_user({BUYER!r}, password={BUYER_PASSWORD!r}, first_name='Check')"
        )
        self.bash("first-login", f"cupboard-manage shell -c {shlex.quote(code)}")

    def step_units(self) -> None:
        units = sorted((DIR / "deploy").glob("cupboard-*.service"))
        for path in units:
            unit = configparser.ConfigParser(strict=False, interpolation=None)
            unit.optionxform = str
            unit.read(path)
            service = unit["Service"]
            instances = ["default", "catalog"] if "@" in path.name else [""]
            for instance in instances:
                command = shlex.split(service["ExecStart"].replace("%i", instance))
                label = path.stem.replace("@", f"@{instance}")
                print(f"  {label}: {' '.join(command)} as {service['User']}")
                self.start(label, service["User"], Path(service["WorkingDirectory"]), command,
                           env_file=service["EnvironmentFile"])  # fmt: skip
        self.wait_http("http://127.0.0.1:8000/healthz", host="10.0.0.1")

    def step_tls(self) -> None:
        self.made.append("tls")
        CERT_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
             "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}",
             "-keyout", str(CERT_DIR / "privkey.pem"), "-out", str(CERT_DIR / "fullchain.pem")],
            check=True, capture_output=True,
        )  # fmt: skip

    def step_nginx(self) -> None:
        if subprocess.run(["nginx", "-s", "reload"], capture_output=True).returncode:
            subprocess.run(["nginx"], check=True)
        self.made.append("nginx-started")

    def step_try_it(self) -> None:
        curl = ["curl", "-sS", "--cacert", str(CERT_DIR / "fullchain.pem"),
                "--resolve", f"{HOST}:443:127.0.0.1",
                "--resolve", f"{HOST}:80:127.0.0.1"]  # fmt: skip
        ready = self.deadline_retry(lambda: self.curl(curl, f"https://{HOST}/readyz"))
        print(f"  https://{HOST}/readyz: {ready.strip()}")
        status, _, body = self.curl_full(curl, f"http://{HOST}/healthz")
        if status != 200 or '"ok"' not in body:
            raise CheckFailed(f"plain-HTTP /healthz through nginx answered {status}: {body[:200]}")
        status, headers, _ = self.curl_full(curl, f"http://{HOST}/login/")
        if status != 301 or f"https://{HOST}/login/" not in headers:
            raise CheckFailed(f"http://{HOST}/login/ answered {status}, not a redirect to HTTPS")
        print("  plain HTTP: /healthz answers through nginx, other pages redirect to HTTPS")
        self.buyer_login(curl)

    # --- helpers --------------------------------------------------------------------------------

    def buyer_login(self, curl: list[str]) -> None:
        jar = self.logs / "cookies.txt"
        with_jar = [*curl, "-b", str(jar), "-c", str(jar)]
        status, _, page = self.curl_full(with_jar, f"https://{HOST}/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not token:
            raise CheckFailed(f"the login page answered {status} without a CSRF token")
        status, headers, body = self.curl_full(
            [*with_jar, "-e", f"https://{HOST}/login/",
             "--data-urlencode", f"csrfmiddlewaretoken={token.group(1)}",
             "--data-urlencode", f"username={BUYER}",
             "--data-urlencode", f"password={BUYER_PASSWORD}"],
            f"https://{HOST}/login/",
        )  # fmt: skip
        session = re.search(r"(?im)^set-cookie: sessionid=[^\n]*", headers)
        if status != 302 or not session or "secure" not in session.group(0).lower():
            raise CheckFailed(f"the buyer's login answered {status}: {headers[:500]} {body[:300]}")
        status, _, home = self.curl_full(with_jar, f"https://{HOST}/")
        if status != 200 or "Check" not in home:
            raise CheckFailed(f"the overview answered {status} after login")
        print(
            "  a buyer logged in over HTTPS (CSRF token, Secure session cookie), saw the overview"
        )

    def curl(self, curl: list[str], url: str) -> str:
        return subprocess.run([*curl, "-f", url], capture_output=True, text=True, check=True).stdout

    def curl_full(self, curl: list[str], url: str) -> tuple[int, str, str]:
        result = subprocess.run(
            [*curl, "-D", "-", "-o", str(self.logs / "body"), "-w", "\n%{http_code}", url],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode:
            raise CheckFailed(f"curl {url}: {result.stderr.strip()}")
        headers, _, status = result.stdout.rpartition("\n")
        return int(status), headers, (self.logs / "body").read_text(errors="replace")

    def start(self, label, user, cwd: Path, command, env_file: str = str(ENV_FILE)) -> None:
        script = 'set -a; . "$1"; set +a; user=$2; shift 2; exec runuser -u "$user" -- "$@"'
        with open(self.logs / f"{label}.log", "ab") as log:
            proc = subprocess.Popen(
                ["env", "-i", f"PATH={SBIN_PATH}", "LANG=C.UTF-8",
                 "sh", "-c", script, "sh", env_file, user, *command],
                cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        self.procs.append(proc)

    def wait_http(self, url: str, host: str | None = None, timeout: float = 60) -> None:
        def probe():
            headers = ["-H", f"Host: {host}"] if host else []
            return self.curl(["curl", "-sS", *headers], url)

        self.deadline_retry(probe, timeout)

    def deadline_retry(self, fn, timeout: float = 60):
        deadline = time.monotonic() + timeout
        while True:
            try:
                return fn()
            except subprocess.CalledProcessError as exc:
                for proc in self.procs:
                    if proc.poll() is not None:
                        raise CheckFailed(
                            f"a service exited ({proc.args[-3:]}): {self.logs}"
                        ) from None
                if time.monotonic() > deadline:
                    raise CheckFailed(f"no answer in {timeout:.0f} s: {exc.stderr}") from None
                time.sleep(0.5)

    # --- before and after -----------------------------------------------------------------------

    def preflight(self) -> None:
        if os.geteuid() != 0:
            raise CheckFailed("run it as root: it installs packages and creates a system user")
        if not Path("/etc/debian_version").exists():
            raise CheckFailed("this is not a Debian machine")
        taken = [str(p) for p in (DIR, ENV_FILE) if p.exists()]
        if subprocess.run(["id", "cupboard"], capture_output=True).returncode == 0:
            taken.append("the user cupboard")
        for port in (80, 443, 8000, 8100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    taken.append(f"port {port}")
        if taken:
            raise CheckFailed(f"already taken (a previous install?): {', '.join(taken)}")

    def clean_up(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        if self.args.keep:
            print(f"\nKept the install (--keep); logs in {self.logs}")
            return
        quiet = {"capture_output": True, "check": False}
        if "nginx-started" in self.made:
            subprocess.run(["nginx", "-s", "stop"], **quiet)
        if "nginx" in self.made:
            for path in (
                "/etc/nginx/sites-enabled/cupboard",
                "/etc/nginx/sites-available/cupboard",
            ):
                Path(path).unlink(missing_ok=True)
        if "tls" in self.made:
            shutil.rmtree(CERT_DIR, ignore_errors=True)
        if "database" in self.made:
            subprocess.run(["runuser", "-u", "postgres", "--", "dropdb", "--if-exists",
                            "--force", "cupboard"], **quiet)  # fmt: skip
            subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-c",
                            "DROP ROLE IF EXISTS cupboard"], **quiet)  # fmt: skip
        if "env-file" in self.made:
            ENV_FILE.unlink(missing_ok=True)
        if "clone" in self.made:
            shutil.rmtree(DIR, ignore_errors=True)
            Path("/usr/local/bin/cupboard-manage").unlink(missing_ok=True)
        if "user" in self.made:
            subprocess.run(["deluser", "--remove-home", "cupboard"], **quiet)
            subprocess.run(["delgroup", "cupboard"], **quiet)
        if "prepare" in self.made:
            subprocess.run(["redis-cli", "-u", self.args.redis_url, "flushdb"], **quiet)
        print(f"\nRemoved what the check made (logs in {self.logs})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default="/opt/python3.13/bin/python3.13")
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/0",
        help="a Redis database of the install's own (FLUSHDB'd at the end)",
    )
    parser.add_argument("--keep", action="store_true", help="leave the install in place")
    args = parser.parse_args()
    check = Check(args)
    started = time.monotonic()
    try:
        check.preflight()
        check.run()
    except (CheckFailed, subprocess.CalledProcessError) as exc:
        print(f"\nINSTALL CHECK FAILED: {exc}\nlogs: {check.logs}", file=sys.stderr)
        for log in sorted(check.logs.glob("*.log")):
            tail = log.read_text(errors="replace").splitlines()[-8:]
            print(f"--- {log.name}\n" + "\n".join(tail), file=sys.stderr)
        return 1
    finally:
        check.clean_up()
    print(f"\nInstall check passed in {time.monotonic() - started:.0f} s:")
    for name, how, why in check.summary:
        print(f"  {name:16} {how:8} {why}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
