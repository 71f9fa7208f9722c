"""Backups of Cupboard's database, and restoring one (`manage.py backup` / `manage.py restore`).

- SQLite: SQLite's online backup API (a consistent copy while the site runs); a restore copies
  the backup back the same way.
- PostgreSQL: `pg_dump --format=custom` / `pg_restore --clean --if-exists --single-transaction`,
  the connection taken from Django's settings (the password in PGPASSWORD, never on a command
  line).

Both refuse to run unless DATABASE_URL is set (`settings.DATABASE_CONFIGURED`): run without the
services' environment, Django would back up — or overwrite — the development database. Backup
files are created 0600 (they hold password hashes and sessions), never over an existing file.

A restore is the most dangerous moment for the ledger: orders placed after the backup exist at
Cup Source but not in the restored database. So `restore`:

1. puts up a fence in the shared cache (`fence_up`): the task workers and the scheduler pause
   while it stands (`fenced()`), so nothing is sent from a half-restored database;
2. restores the database, then clears both caches (a buyer's header would show a cart the
   restored database no longer has), keeping the keys `keep_across_restore` names (the request
   budget: a cleared budget would let the processes send another full minute's worth);
3. runs the after-restore hooks the apps register (`after_restore`): the orders app asks Cup
   Source what it has and re-imports what the backup missed (orders_app/restore.py);
4. takes the fence down.

Best stop the workers and the scheduler first anyway (docs/deploy.md): with the database cache
(no CACHE_URL) the fence lives in the database being replaced.
"""

import logging
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import connections

from core.cache import strict

logger = logging.getLogger(__name__)

FENCE_KEY = "cupboard:restoring"
FENCE_TTL = 3600  # seconds: a restore that died does not fence the workers for ever
AFTER_RESTORE: list[Callable[[datetime | None], None]] = []
KEEP_ACROSS_RESTORE: set[str] = set()


class BackupError(Exception):
    """A backup or restore that cannot be made; the message says why, in words."""


def after_restore(hook: Callable[[datetime | None], None]) -> None:
    """Run `hook(since)` after every restore (`since`: the time the caller says the backup was
    taken, or None to let the hook work it out)."""
    if hook not in AFTER_RESTORE:
        AFTER_RESTORE.append(hook)


def keep_across_restore(key: str) -> None:
    """Keep this shared-cache key when a restore clears the caches."""
    KEEP_ACROSS_RESTORE.add(key)


# --- the fence --------------------------------------------------------------------------------


def fence_up() -> None:
    strict(caches["shared"]).set(FENCE_KEY, time.time(), FENCE_TTL)


def fence_down() -> None:
    caches["shared"].delete(FENCE_KEY)


def fenced() -> bool:
    """Whether a restore is running (the workers and the scheduler wait). A cache that cannot
    be read says no: an outage must not stop the workers for as long as it lasts."""
    return caches["shared"].get(FENCE_KEY) is not None


# --- backup -----------------------------------------------------------------------------------


def backup(path: Path) -> int:
    """Write a backup of the database to `path` (a new file, 0600); return its size."""
    db = _database()
    if path.exists():
        raise BackupError(f"{path} already exists; choose a new file name.")
    with _private_files():
        if db["ENGINE"] == "django.db.backends.sqlite3":
            _sqlite_copy(Path(db["NAME"]), path, create=True)
            _sqlite_check(path)
        else:
            _run(["pg_dump", "--format=custom", "--no-owner", f"--file={path}"], db)
            _run(["pg_restore", "--list", str(path)], db)  # readable, or fail now
    path.chmod(0o600)
    return path.stat().st_size


# --- restore ----------------------------------------------------------------------------------


def restore(path: Path, *, since: datetime | None = None, report=print) -> None:
    """Restore the database from `path` (made by `backup`), fenced; then clear the caches and
    run the after-restore hooks."""
    db = _database()
    if not path.is_file():
        raise BackupError(f"There is no backup at {path}.")
    sqlite = db["ENGINE"] == "django.db.backends.sqlite3"
    if sqlite:
        _sqlite_check(path)
    else:
        _run(["pg_restore", "--list", str(path)], db)
    fence_up()
    kept = _kept()  # read now: with the database cache, the restore replaces the table
    try:
        report("Fenced the workers and the scheduler; restoring the database …")
        connections.close_all()
        if sqlite:
            _sqlite_copy(path, Path(db["NAME"]), create=False)
        else:
            _run(
                [
                    "pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                    "--single-transaction", "--exit-on-error", f"--dbname={db['NAME']}",
                    str(path),
                ],
                db,
            )  # fmt: skip
        connections.close_all()
        clear_caches(kept)
        fence_up()  # the shared cache may be the table just restored
        report("Restored; caches cleared. Asking Cup Source what the backup missed …")
        for hook in AFTER_RESTORE:
            try:
                hook(since)
            except Exception as exc:
                raise BackupError(
                    f"The database is restored, but {hook.__module__} could not finish: {exc} "
                    "Put that right, then run `cupboard-manage reconcile_orders` before the "
                    "workers start again."
                ) from exc
    finally:
        fence_down()
    report("Done; the workers carry on.")


def _kept() -> dict:
    shared = caches["shared"]
    return {key: value for key in KEEP_ACROSS_RESTORE if (value := shared.get(key)) is not None}


def clear_caches(kept: dict) -> None:
    for alias in ("default", "shared"):
        caches[alias].clear()
    if kept:
        caches["shared"].set_many(kept, timeout=3600)


# --- the parts ---------------------------------------------------------------------------------


def _database() -> dict:
    if not settings.DATABASE_CONFIGURED:
        raise BackupError(
            "DATABASE_URL is not set: run this with the services' environment "
            "(cupboard-manage, see docs/install.md), or it would work on the development "
            "database."
        )
    return connections["default"].settings_dict


@contextmanager
def _private_files():
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def _sqlite_copy(source: Path, target: Path, *, create: bool) -> None:
    if create:
        os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=20)
    dst = sqlite3.connect(target, timeout=20)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _sqlite_check(path: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
            migrated = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'django_migrations'"
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite database ({exc}).") from None
    if not ok or not migrated:
        raise BackupError(f"{path} is not a backup of Cupboard's database.")


def _run(command: list[str], db: dict) -> None:
    if not shutil.which(command[0]):
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)."
        )
    env = {**os.environ, "PGDATABASE": db["NAME"], "PGCONNECT_TIMEOUT": "10"}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    result = subprocess.run(  # noqa: S603 (pg_dump or pg_restore, arguments from settings)
        command, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")
