"""Production settings refuse to start without their secrets (checked in a fresh process)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def start(**env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "CUPSOURCE_API_KEY", "DJANGO_DEBUG"}
    }
    base.update({"DJANGO_READ_DOT_ENV": "false", "DJANGO_SETTINGS_MODULE": "dashboard.settings"})
    base.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_debug_off_without_secrets_refuses_to_start_and_says_what_is_missing():
    result = start(DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY, ALLOWED_HOSTS, CUPSOURCE_API_KEY must be set" in result.stderr


def test_debug_off_with_only_the_api_key_missing_names_it():
    result = start(DJANGO_DEBUG="false", SECRET_KEY="s" * 50, ALLOWED_HOSTS="example.com")
    assert result.returncode != 0
    assert "CUPSOURCE_API_KEY must be set" in result.stderr


def test_debug_off_with_everything_set_starts():
    result = start(
        DJANGO_DEBUG="false",
        SECRET_KEY="s" * 50,
        ALLOWED_HOSTS="example.com",
        CUPSOURCE_API_KEY="cs_live_xyz",
    )
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_development_needs_no_configuration():
    result = start(DJANGO_DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_an_absolute_session_timeout_shorter_than_the_idle_one_is_refused():
    result = start(DJANGO_DEBUG="true", SESSION_IDLE_TIMEOUT="3600", SESSION_ABSOLUTE_TIMEOUT="60")
    assert result.returncode != 0
    assert "SESSION_ABSOLUTE_TIMEOUT" in result.stderr


def test_an_inline_comment_after_a_boolean_stops_startup_with_its_name():
    # systemd's EnvironmentFile keeps "true  # nginx in front" as the value; read as false it
    # silently broke lockouts and CSRF behind the proxy.
    result = start(DJANGO_DEBUG="true", BEHIND_TLS_PROXY="true  # nginx in front")
    assert result.returncode != 0
    assert "BEHIND_TLS_PROXY must be true or false" in result.stderr


def test_a_number_that_does_not_parse_stops_startup_with_its_name():
    result = start(DJANGO_DEBUG="true", CATALOG_SYNC_INTERVAL="15m")
    assert result.returncode != 0
    assert "CATALOG_SYNC_INTERVAL must be a whole number" in result.stderr
