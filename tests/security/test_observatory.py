"""The Mozilla HTTP Observatory's grade of Cupboard's answers under production settings — the
way the Observatory scans a site: plain HTTP first, then HTTPS following redirects to a 2xx
page, with every cookie set on the way. Goal: at least 100 (A+)."""

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from tests.security.observatory import Scan, grade

pytestmark = pytest.mark.django_db


@pytest.fixture
def production(settings):
    """Production as DJANGO_DEBUG=false configures it (the test run only turns the HTTPS
    redirect off, since the test client speaks plain HTTP)."""
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SECURE_HSTS_SECONDS >= 365 * 24 * 3600
    return settings


def scan(client: Client, path: str = "/") -> Scan:
    first = client.get(path)  # plain HTTP
    final = client.get(path, secure=True, follow=True)
    assert final.status_code == 200
    return grade(Scan(http_first=first, https_final=final, cookies=list(client.cookies.values())))


def test_the_login_page_a_visitor_lands_on_scores_a_plus(production):
    result = scan(Client())
    assert result.results["redirection"] == "redirection-to-https"
    assert result.results["cookies"] == "cookies-secure-with-httponly-sessions-and-samesite"
    assert result.score >= 100 and result.grade == "A+", result.results
    assert result.score == 125, result.results


def test_a_signed_in_buyers_overview_scores_a_plus(production, buyer, make_product, synced):
    client = Client()
    response = client.post(
        reverse("login"), {"username": "buyer", "password": "pw-buyer-123"}, secure=True
    )
    assert response.status_code == 302
    assert "sessionid" in client.cookies and "csrftoken" in client.cookies
    result = scan(client)
    assert result.results == {
        "content-security-policy": "csp-implemented-with-no-unsafe-default-src-none",  # +10
        "strict-transport-security": "hsts-implemented-max-age-at-least-six-months",
        "cookies": "cookies-secure-with-httponly-sessions-and-samesite",  # +5
        "cross-origin-resource-sharing": "cross-origin-resource-sharing-not-implemented",
        "redirection": "redirection-to-https",
        "referrer-policy": "referrer-policy-private",  # +5
        "subresource-integrity": "sri-not-implemented-but-all-scripts-loaded-from-secure-origin",
        "x-content-type-options": "x-content-type-options-nosniff",
        "x-frame-options": "x-frame-options-implemented-via-csp",  # +5
        "cross-origin-resource-policy": "corp-not-implemented",
    }
    assert (result.score, result.grade) == (125, "A+")


def test_the_admin_scores_a_plus_too(production, staff_user):
    client = Client()
    client.force_login(staff_user)
    result = scan(client, "/admin/")
    assert (result.score, result.grade) == (125, "A+"), result.results


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_superuser("sam", "sam@example.com", "pw-sam-123")


# The grader itself, on answers with known grades (so that the tests above can fail).


def bare(status=200, body="<p>hi</p>", **headers) -> HttpResponse:
    return HttpResponse(body, status=status, headers=headers)


def test_a_site_without_any_protection_gets_an_f():
    result = grade(Scan(http_first=bare(), https_final=bare(), cookies=[]))
    assert result.results["content-security-policy"] == "csp-not-implemented"  # -25
    assert result.results["strict-transport-security"] == "hsts-not-implemented"  # -20
    assert result.results["redirection"] == "redirection-missing"  # -20
    assert result.results["x-frame-options"] == "x-frame-options-not-implemented"  # -20
    assert result.results["x-content-type-options"] == "x-content-type-options-not-implemented"
    assert (result.score, result.grade) == (10, "F")


def test_unsafe_inline_scripts_and_eval_cost_points():
    page = bare(
        **{"Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-inline'"}
    )
    result = grade(Scan(http_first=bare(), https_final=page, cookies=[]))
    assert result.results["content-security-policy"] == "csp-implemented-with-unsafe-inline"
    page = bare(
        **{"Content-Security-Policy": "default-src 'none'; script-src 'self' 'unsafe-eval'"}
    )
    result = grade(Scan(http_first=bare(), https_final=page, cookies=[]))
    assert result.results["content-security-policy"] == "csp-implemented-with-unsafe-eval"
    # a nonce makes 'unsafe-inline' harmless (browsers ignore it then)
    page = bare(
        **{"Content-Security-Policy": "default-src 'none'; script-src 'nonce-abc' 'unsafe-inline'"}
    )
    result = grade(Scan(http_first=bare(), https_final=page, cookies=[]))
    assert result.results["content-security-policy"].endswith("default-src-none")


def test_an_insecure_session_cookie_costs_forty_points():
    response = bare()
    response.set_cookie("sessionid", "x", httponly=True, samesite="Lax")
    result = grade(
        Scan(http_first=bare(), https_final=response, cookies=list(response.cookies.values()))
    )
    assert result.results["cookies"] == "cookies-session-without-secure-flag"
    assert (result.score, result.grade) == (0, "F")  # 100 - 25 - 20 - 20 - 20 - 5 - 40


def test_bonuses_count_only_from_an_a():
    headers = {
        "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
        "Referrer-Policy": "no-referrer",
        "X-Content-Type-Options": "nosniff",
    }
    # without HSTS (-20) and a redirect (-20): 60 before bonuses, so no bonuses
    result = grade(Scan(http_first=bare(), https_final=bare(**headers), cookies=[]))
    assert (result.score, result.grade) == (60, "C+")
    redirect = bare(302, Location="https://testserver/")
    hsts = {**headers, "Strict-Transport-Security": "max-age=31536000"}
    result = grade(Scan(http_first=redirect, https_final=bare(**hsts), cookies=[]))
    assert (result.score, result.grade) == (120, "A+")
