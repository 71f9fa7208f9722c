"""The login page: what is wrong is said next to the field (found by
tests/fuzz/test_forms_show_errors.py: only a wrong password was shown)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("data", "field"),
    [({"username": "", "password": "x"}, "username"), ({"username": "buyer"}, "password")],
)
def test_a_missing_field_is_said_next_to_it(client, buyer, data, field):
    response = client.post(reverse("login"), data)
    assert response.status_code == 200
    body = response.text
    error = f'<ul class="errorlist" id="id_{field}_error"><li>This field is required.</li></ul>'
    assert error in body
    assert body.index(error) < body.index(f'name="{field}"')  # above its input


def test_a_wrong_password_is_said_above_the_form(client, buyer):
    response = client.post(reverse("login"), {"username": "buyer", "password": "nope"})
    assert 'class="alert alert-error" role="alert"' in response.text
    assert "Please enter a correct username and password" in response.text


def test_a_user_name_longer_than_any_is_said_next_to_it_and_not_tried(client, buyer):
    """Found by tests/fuzz/test_accounts.py on PostgreSQL: the name went on to a failed-login
    record whose column holds 255 characters, and the page answered 500."""
    response = client.post(reverse("login"), {"username": "x" * 300, "password": "pw"})
    assert response.status_code == 200
    assert "Ensure this value has at most 150 characters (it has 300)." in response.text
    from axes.models import AccessAttempt

    assert not AccessAttempt.objects.exists()


def test_the_labels_and_inputs_are_as_before(client):
    body = client.get(reverse("login")).text
    assert 'autocomplete="username"' in body and 'autocomplete="current-password"' in body
    assert '<label for="id_username">Username' in body
    assert '<label for="id_password">Password' in body
