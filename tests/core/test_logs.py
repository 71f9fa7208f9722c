import json
import logging

from django.urls import reverse

from core.logs import JsonFormatter, RequestIdFilter, request_id


def test_every_response_carries_a_request_id(client, db):
    response = client.get(reverse("healthz"))
    assert len(response["X-Request-ID"]) == 32


def test_a_sane_incoming_request_id_is_kept(client, db):
    response = client.get(reverse("healthz"), headers={"X-Request-ID": "edge-1234abcd"})
    assert response["X-Request-ID"] == "edge-1234abcd"


def test_an_unsafe_incoming_request_id_is_replaced(client, db):
    response = client.get(reverse("healthz"), headers={"X-Request-ID": "bad id\nforged log line"})
    assert "\n" not in response["X-Request-ID"] and response["X-Request-ID"] != "bad id"


def test_log_lines_made_during_a_request_carry_its_id(
    client, buyer, make_product, caplog, settings
):
    from orders_app.services import cart_add

    settings.CUPSOURCE_API_URL = "http://127.0.0.1:9/v1"  # checkout logs its failed re-check
    cart_add(user=buyer, product=make_product("CS-8OZ-ECO"), qty=5000)
    client.force_login(buyer)
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO):
        response = client.get(reverse("orders:checkout"), headers={"X-Request-ID": "req-abcdef12"})
    assert response["X-Request-ID"] == "req-abcdef12"
    supplier_lines = [r for r in caplog.records if r.name in {"cupsource", "supplier.status"}]
    assert supplier_lines and {r.request_id for r in supplier_lines} == {"req-abcdef12"}
    assert request_id.get() == "-"  # reset after the request


def test_the_json_format_is_one_object_per_line():
    record = logging.LogRecord(
        "cupsource", logging.INFO, __file__, 1, "GET %s", ("/products",), None
    )
    RequestIdFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "GET /products" and entry["logger"] == "cupsource"
    assert entry["request_id"] == "-" and entry["level"] == "INFO"


def _production_env(**extra):
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "LOG_"))}
    env.update(DJANGO_READ_DOT_ENV="false", DJANGO_DEBUG="true", LOG_FORMAT="json", **extra)
    return env


def _json_lines(stderr: str) -> list[dict]:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines, "nothing logged"
    return [json.loads(line) for line in lines]  # fails on any plain-text line


def test_a_crash_under_json_logging_is_one_json_line_with_its_traceback():
    import subprocess
    import sys
    from pathlib import Path

    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "raise RuntimeError('boom at start')"],
        cwd=Path(__file__).resolve().parents[2],
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    crash = _json_lines(result.stderr)[-1]
    assert crash["level"] == "CRITICAL" and crash["logger"] == "cupboard.crash"
    assert "RuntimeError: boom at start" in crash["exception"]


def test_gunicorn_logs_json_under_json_logging_and_makes_no_control_socket(tmp_path):
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    gunicorn = str(Path(sys_executable()).parent / "gunicorn")
    result = subprocess.run(  # an app that cannot be imported: its workers crash, it stops
        [gunicorn, "nosuchmodule.wsgi", "--bind", "127.0.0.1:0"],
        cwd=root,
        env=_production_env(HOME=str(tmp_path)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    plain = [line for line in result.stderr.splitlines() if not line.startswith("{")]
    assert not [line for line in plain if line.startswith(("Traceback", "  File"))], plain
    crashes = [
        json.loads(line)
        for line in result.stderr.splitlines()
        if line.startswith("{") and "Exception in worker process" in line
    ]
    assert crashes and "ModuleNotFoundError" in crashes[0]["exception"]
    assert not list(tmp_path.rglob("*.ctl"))  # no control socket in the home directory


def sys_executable() -> str:
    import sys

    return sys.executable
