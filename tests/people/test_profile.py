"""The profile: name, e-mail (changed only through the link mailed to the new address, once),
links to the password and notification pages, sessions and "sign out everywhere else"."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEntry
from notifications.models import Notification
from tests.people.conftest import log_in, sent_mails

pytestmark = pytest.mark.django_db
PROFILE = reverse("people:profile")
FIREFOX_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
)


@pytest.fixture
def bea(buyer):
    buyer.email = "bea@cafe.test"
    buyer.save()
    return buyer


def test_the_account_menu_links_the_profile_which_links_the_rest(buyer_client):
    assert PROFILE in buyer_client.get(reverse("home")).text
    page = buyer_client.get(PROFILE).text
    assert reverse("accounts:password_change") in page
    assert reverse("notifications:preferences") in page
    assert "Sign out everywhere else" in page


def test_the_name_is_saved_and_a_blank_one_refused(buyer_client, buyer):
    response = buyer_client.post(
        reverse("people:profile_name"), {"first_name": "", "last_name": "X"}
    )
    assert response.status_code == 400 and "This field is required." in response.text
    buyer.refresh_from_db()
    assert buyer.last_name == ""
    buyer_client.post(reverse("people:profile_name"), {"first_name": "Beatrice", "last_name": "B"})
    buyer.refresh_from_db()
    assert buyer.get_full_name() == "Beatrice B"
    assert AuditEntry.objects.get().action == "profile_changed"


def confirm_link() -> str:
    return re.search(
        r"http://testserver(/profile/email/confirm/\S+/)", sent_mails("email_confirm")[-1].body
    )[1]


def test_a_new_address_takes_effect_only_from_its_link_and_once(client, bea):
    client.force_login(bea)
    response = client.post(reverse("people:email_change"), {"email": "bea@new.test"})
    assert response.status_code == 302
    bea.refresh_from_db()
    assert bea.email == "bea@cafe.test"  # not yet
    [mail] = sent_mails("email_confirm")
    assert mail.to == ["bea@new.test"]
    # the link is for the new mailbox only: not in the bell of whoever holds the session
    assert (
        reverse("people:email_confirm", args=["x"])[:-2]
        not in client.get(reverse("notifications:list")).text
    )
    link = confirm_link()
    page = client.get(link)
    assert page.status_code == 200 and "bea@new.test" in page.text
    bea.refresh_from_db()
    assert bea.email == "bea@cafe.test"  # a GET changes nothing
    assert client.post(link).status_code == 302
    bea.refresh_from_db()
    assert bea.email == "bea@new.test"
    again = client.post(link)
    assert again.status_code == 410
    [notice] = sent_mails("account_security")
    assert notice.to == ["bea@cafe.test"] and "now bea@new.test" in notice.body
    assert list(AuditEntry.objects.values_list("action", flat=True).order_by("pk")) == [
        "email_change_requested", "email_changed",
    ]  # fmt: skip


def test_someone_elses_or_a_forged_link_is_refused(client, bea, other_buyer):
    client.force_login(bea)
    client.post(reverse("people:email_change"), {"email": "bea@new.test"})
    link = confirm_link()
    client.force_login(other_buyer)
    response = client.post(link)
    assert response.status_code == 410 and "another account" in response.text
    forged = client.post(reverse("people:email_confirm", args=["forged:token"]))
    assert forged.status_code == 410
    bea.refresh_from_db()
    assert bea.email == "bea@cafe.test"


@pytest.mark.parametrize("email, message", [
    ("not-mail", "valid email"), ("bea@cafe.test", "your address already"),
    ("other@cafe.test", "Another account uses"),
])  # fmt: skip
def test_a_bad_new_address_is_refused_next_to_the_field(client, bea, other_buyer, email, message):
    other_buyer.email = "other@cafe.test"
    other_buyer.save()
    client.force_login(bea)
    response = client.post(reverse("people:email_change"), {"email": email})
    assert response.status_code == 400 and message in response.text
    assert not Notification.objects.exists()


def test_sign_out_everywhere_else_keeps_this_browser(buyer):
    here = log_in("buyer", "pw-buyer-123", HTTP_USER_AGENT="Here")
    there = log_in("buyer", "pw-buyer-123", HTTP_USER_AGENT=FIREFOX_ON_WINDOWS)
    page = here.get(PROFILE).text
    assert "This browser" in page and "Firefox on Windows" in page
    assert here.post(reverse("people:sessions_end")).status_code == 302
    assert here.get(PROFILE).status_code == 200
    gone = there.get(PROFILE)
    assert gone.status_code == 302 and gone.url.startswith(reverse("login"))
    assert "Firefox on Windows" not in here.get(PROFILE).text
    assert AuditEntry.objects.get(action="sessions_ended").details == {"ended": 1}


def test_logging_out_forgets_the_session(buyer):
    browser = log_in("buyer", "pw-buyer-123")
    browser.post(reverse("logout"))
    assert not buyer.signed_in_sessions.exists()
    assert Client().get(PROFILE).status_code == 302


def test_sign_out_everywhere_else_also_ends_sessions_from_before_logins_were_kept(buyer):
    from accounts.models import UserSession

    old = log_in("buyer", "pw-buyer-123")
    UserSession.objects.all().delete()  # as if it began before this version
    here = log_in("buyer", "pw-buyer-123")
    here.post(reverse("people:sessions_end"))
    assert old.get(PROFILE).status_code == 302
    assert here.get(PROFILE).status_code == 200


def test_a_changed_password_is_audited_and_mailed(client, bea):
    client.force_login(bea)
    client.post(
        reverse("accounts:password_change"),
        {"old_password": "nope", "new_password1": "Cups-2026-x!", "new_password2": "Cups-2026-x!"},
    )
    assert sent_mails("account_security") == []  # refused: nothing said
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "pw-buyer-123",
            "new_password1": "Cups-2026-x!",
            "new_password2": "Cups-2026-x!",
        },
    )
    assert response.status_code == 302
    [notice] = sent_mails("account_security")
    assert notice.to == ["bea@cafe.test"]
    assert notice.subject == "Cupboard: your password was changed"
    assert "You changed your Cupboard password." in notice.body
    assert AuditEntry.objects.filter(action="password_changed", actor=bea).count() == 1


def test_a_password_set_through_a_reset_link_is_audited_and_mailed(client, bea, mailoutbox):
    client.post(reverse("accounts:password_reset"), {"email": "bea@cafe.test"})
    link = re.search(r"https?://testserver(/password-reset/\S+/\S+/)", mailoutbox[0].body).group(1)
    form = client.get(link, follow=True)
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Fresh-cups-2026", "new_password2": "Fresh-cups-2026"},
    )
    assert done.url == reverse("accounts:password_reset_complete")
    [notice] = sent_mails("account_security")
    assert notice.subject == "Cupboard: your password was reset"
    assert AuditEntry.objects.filter(action="password_changed", actor=bea).count() == 1
