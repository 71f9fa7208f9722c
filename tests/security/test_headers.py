"""The security headers and cookies Cupboard sends, and the settings behind them."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.security.observatory import parse_csp

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_the_csp_allows_nothing_inline_and_nothing_from_elsewhere(buyer_client):
    response = buyer_client.get(reverse("orders:order_list"))
    csp = parse_csp(response["Content-Security-Policy"])
    assert csp["default-src"] == {"'none'"}
    assert csp["style-src"] == {"'self'"}
    assert csp["frame-ancestors"] == {"'none'"} and csp["base-uri"] == {"'none'"}
    assert csp["form-action"] == {"'self'"} and csp["object-src"] == {"'none'"}
    [nonce] = [s for s in csp["script-src"] if s.startswith("'nonce-")]
    assert csp["script-src"] == {"'self'", nonce}
    assert "unsafe" not in response["Content-Security-Policy"]
    # htmx is loaded with this response's nonce
    scripts = re.findall(r"<script [^>]*>", response.text)
    assert scripts and all(f'nonce="{nonce[7:-1]}"' in s for s in scripts)


def test_each_response_has_its_own_nonce(buyer_client):
    first = buyer_client.get(reverse("orders:order_list"))["Content-Security-Policy"]
    second = buyer_client.get(reverse("orders:order_list"))["Content-Security-Policy"]
    assert first != second


def test_htmx_is_told_not_to_eval_or_inject_styles(buyer_client):
    page = buyer_client.get(reverse("orders:order_list")).text
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', page).group(1)
    assert '"allowEval": false' in config.replace('":false', '": false')
    assert '"includeIndicatorStyles": false' in config.replace('":false', '": false')


def test_the_other_headers(buyer_client, settings):
    response = buyer_client.get(reverse("orders:order_list"), secure=True)
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_production_cookies_are_secure_httponly_and_samesite(client, buyer):
    client.get(reverse("login"))
    response = client.post(reverse("login"), {"username": "buyer", "password": "pw-buyer-123"})
    for name in ("sessionid", "csrftoken"):
        cookie = response.cookies[name]
        assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax", name


def test_http_is_redirected_to_https_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/orders/?x=1")
    assert response.status_code == 301
    assert response.url == "https://testserver/orders/?x=1"
    assert Client().get("/healthz").status_code == 200  # load balancers probe over HTTP


def test_behind_a_tls_proxy_its_https_header_is_trusted(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = Client()
    assert client.get("/login/", headers={"X-Forwarded-Proto": "https"}).status_code == 200
    assert client.get("/login/", headers={"X-Forwarded-Proto": "http"}).status_code == 301


def settings_of(**env) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: str(getattr(s, k, None)) for k in ["
        "'SECURE_PROXY_SSL_HEADER', 'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', "
        "'SECURE_HSTS_SECONDS', 'SESSION_COOKIE_AGE', 'AXES_FAILURE_LIMIT', "
        "'AXES_COOLOFF_TIME', 'APPROVAL_THRESHOLD', 'MAILERS']}))"
    )
    base = {k: v for k, v in os.environ.items() if k != "SECURE_SSL_REDIRECT"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_READ_DOT_ENV": "false", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    import json

    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_environment_configures_security():
    production = settings_of(DJANGO_DEBUG="false")
    assert production["SECURE_PROXY_SSL_HEADER"] == "None"
    assert production["SECURE_SSL_REDIRECT"] == "True"
    assert production["SESSION_COOKIE_SECURE"] == "True"
    assert production["SECURE_HSTS_SECONDS"] == "31536000"
    assert "console.EmailBackend" in production["MAILERS"]
    custom = settings_of(
        DJANGO_DEBUG="false",
        BEHIND_TLS_PROXY="true",
        SECURE_SSL_REDIRECT="false",
        SESSION_IDLE_TIMEOUT="600",
        AXES_FAILURE_LIMIT="3",
        AXES_COOLOFF_MINUTES="60",
        APPROVAL_THRESHOLD="10000",
        EMAIL_URL="smtp+tls://cupboard:secret@mail.example.com:587",
    )
    assert custom["SECURE_PROXY_SSL_HEADER"] == "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert custom["SECURE_SSL_REDIRECT"] == "False"
    assert custom["SESSION_COOKIE_AGE"] == "600"
    assert custom["AXES_FAILURE_LIMIT"] == "3" and custom["AXES_COOLOFF_TIME"] == "1:00:00"
    assert custom["APPROVAL_THRESHOLD"] == "10000"
    assert "smtp.EmailBackend" in custom["MAILERS"] and "mail.example.com" in custom["MAILERS"]
    development = settings_of(DJANGO_DEBUG="true")
    assert development["SESSION_COOKIE_SECURE"] == "False"
    assert development["SECURE_SSL_REDIRECT"] == "False"


def deploy_check(**env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECURE_SSL_REDIRECT", "SANDBOX_ENABLED", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_READ_DOT_ENV": "false",
            "DJANGO_DEBUG": "false",
            "SECRET_KEY": "x7#Kp2!vQ9@zL4$mN8^rT1&wY6*bF3(hJ5)dS0-gA+uE7~cR2_oI4",
            "ALLOWED_HOSTS": "cupboard.example.com",
            "CUPSOURCE_API_KEY": "dummy",
            "SANDBOX_ENABLED": "false",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deploy_check_passes_in_production():
    result = deploy_check(EMAIL_URL="smtp+tls://cupboard@mail.example.com:587")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_wants_a_real_mail_server_in_production():
    result = deploy_check()
    assert result.returncode != 0
    assert "mail.E001" in result.stderr
