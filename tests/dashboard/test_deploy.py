"""The systemd units in deploy/ ride out their dependencies' outages, and `make serve`
restarts a process that dies (scripts/supervise.sh)."""

import configparser
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = sorted((ROOT / "deploy").glob("*.service"))


def read_unit(path: Path) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # systemd's keys are case-sensitive
    unit.read(path)
    return unit


def test_there_is_a_unit_per_process():
    assert [path.name for path in UNITS] == [
        "cupboard-scheduler.service",
        "cupboard-web.service",
        "cupboard-worker@.service",
    ]


@pytest.mark.parametrize("path", UNITS, ids=lambda path: path.name)
def test_each_unit_restarts_for_ever_after_its_dependencies(path):
    unit = read_unit(path)
    assert unit["Unit"]["Wants"] == "network-online.target"
    after = unit["Unit"]["After"].split()
    assert {"network-online.target", "postgresql.service", "redis-server.service"} <= set(after)
    assert unit["Unit"]["StartLimitIntervalSec"] == "0"  # no start limit: never left failed
    assert unit["Service"]["Restart"] == "always"
    assert int(unit["Service"]["RestartSec"]) >= 1
    assert unit["Service"]["EnvironmentFile"] == "/etc/cupboard.env"
    assert unit["Service"]["User"] == "cupboard"


def test_the_web_unit_leaves_the_workers_to_web_concurrency():
    exec_start = read_unit(ROOT / "deploy" / "cupboard-web.service")["Service"]["ExecStart"]
    assert "--workers" not in exec_start and "-w " not in exec_start
    assert "WEB_CONCURRENCY" in (ROOT / "gunicorn.conf.py").read_text()


def test_make_serve_starts_again_what_dies(tmp_path):
    runs = tmp_path / "runs"
    script = (
        f'source "{ROOT}/scripts/supervise.sh"; supervise flaky sh -c "echo run >> {runs}; exit 3"'
    )
    proc = subprocess.Popen(
        ["bash", "-c", f"set -euo pipefail; {script}"],
        env={"PATH": "/usr/bin:/bin", "SUPERVISE_DELAY": "0.1"},
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (not runs.exists() or len(runs.read_text().split()) < 3):
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=10)
    assert len(runs.read_text().split()) >= 3  # it died three times and came back each time
    assert "serve: flaky exited with status 3; starting it again" in stderr
    assert proc.returncode == 0


def test_every_step_of_the_install_guide_is_performed_or_explained_by_the_install_check():
    import runpy

    check = runpy.run_path(str(ROOT / "scripts" / "install-check.py"))
    steps = [name for name, _ in check["STEP"].findall((ROOT / "docs" / "install.md").read_text())]
    assert steps and set(steps) == set(check["HANDLING"])
    for name, (how, why) in check["HANDLING"].items():
        assert how in {"run", "skip", "replace", "lines"}
        assert how == "run" or why, f"{name}: say why the check does not run it as written"
        if how in {"replace", "lines"}:
            assert f"step_{name.replace('-', '_')}" in check["Check"].__dict__, name


def test_cupboard_manage_refuses_to_run_without_root():
    import os

    as_nobody = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
    result = subprocess.run(
        [*as_nobody, "sh", str(ROOT / "deploy" / "cupboard-manage"), "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "run it as root" in result.stderr
