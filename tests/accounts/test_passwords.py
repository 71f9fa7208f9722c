"""Password change (signed in) and reset by e-mail (open to everyone)."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer_with_email(buyer):
    buyer.email = "bea@example.com"
    buyer.save()
    return buyer


def test_a_buyer_changes_their_password_and_stays_logged_in(buyer_client, buyer):
    response = buyer_client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "pw-buyer-123",
            "new_password1": "Lids-and-cups-2026",
            "new_password2": "Lids-and-cups-2026",
        },
    )
    assert response.url == reverse("accounts:password_change_done")
    buyer.refresh_from_db()
    assert buyer.check_password("Lids-and-cups-2026")
    assert buyer_client.get(reverse("orders:order_list")).status_code == 200


def test_a_wrong_current_password_changes_nothing(buyer_client, buyer):
    response = buyer_client.post(
        reverse("accounts:password_change"),
        {"old_password": "nope", "new_password1": "Abc-123-xyz!", "new_password2": "Abc-123-xyz!"},
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.text
    buyer.refresh_from_db()
    assert buyer.check_password("pw-buyer-123")


def test_a_weak_new_password_is_refused(buyer_client):
    response = buyer_client.post(
        reverse("accounts:password_change"),
        {"old_password": "pw-buyer-123", "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert "This password is too common." in response.text


def test_the_reset_flow_by_email(client, buyer_with_email, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "bea@example.com"})
    assert response.url == reverse("accounts:password_reset_done")
    [mail] = mailoutbox
    assert mail.to == ["bea@example.com"]
    assert mail.subject == "Reset your Cupboard password"
    link = re.search(r"https?://testserver(/password-reset/\S+/\S+/)", mail.body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.text
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Fresh-cups-2026", "new_password2": "Fresh-cups-2026"},
    )
    assert done.url == reverse("accounts:password_reset_complete")
    buyer_with_email.refresh_from_db()
    assert buyer_with_email.check_password("Fresh-cups-2026")
    assert "doesn't work any more" in client.get(link, follow=True).text


def test_an_unknown_address_looks_the_same_and_sends_nothing(client, buyer_with_email, mailoutbox):
    response = client.post(reverse("accounts:password_reset"), {"email": "who@example.com"})
    assert response.url == reverse("accounts:password_reset_done")
    assert mailoutbox == []


def test_the_login_page_links_to_the_reset(client):
    assert reverse("accounts:password_reset") in client.get(reverse("login")).text
