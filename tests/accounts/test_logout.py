"""/logout/: a GET (a bookmark, a typed address) asks first; only a POST logs out."""

from django.contrib.sessions.models import Session
from django.urls import reverse


def test_a_get_asks_before_logging_out(buyer_client):
    key = buyer_client.session.session_key
    response = buyer_client.get(reverse("logout"))
    assert response.status_code == 200
    page = response.text
    assert "Log out of Cupboard?" in page
    assert '<form method="post" action="/logout/"' in page and "csrfmiddlewaretoken" in page
    assert '<a href="/" class="button secondary">Stay logged in</a>' in page
    assert Session.objects.filter(session_key=key).exists()  # still logged in


def test_a_post_logs_out(buyer_client):
    key = buyer_client.session.session_key
    response = buyer_client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert not Session.objects.filter(session_key=key).exists()


def test_other_methods_are_refused(buyer_client):
    assert buyer_client.put(reverse("logout")).status_code == 405


def test_logged_out_visitors_are_sent_to_log_in(client, db):
    response = client.get(reverse("logout"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
