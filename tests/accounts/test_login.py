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


def test_the_labels_and_inputs_are_as_before(client):
    body = client.get(reverse("login")).text
    assert 'autocomplete="username"' in body and 'autocomplete="current-password"' in body
    assert '<label for="id_username">Username' in body
    assert '<label for="id_password">Password' in body
