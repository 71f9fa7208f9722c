"""Every role's allowed and refused actions, as one table: each row is a URL (and method), each
column what a buyer, an approver, a team admin and staff get. Refused is 403 (the page says who
may), 404 (the approvals pages do not exist for non-approvers) or the admin's login."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROLES = ("buyer", "approver", "team_admin", "staff")
ADMIN_LOGIN = "admin-login"

# (what, method, url name, args from the world, {role: expected status})
TABLE = [
    ("overview", "get", "home", [], dict.fromkeys(ROLES, 200)),
    ("profile", "get", "people:profile", [], dict.fromkeys(ROLES, 200)),
    ("own orders", "get", "orders:order_list", [], dict.fromkeys(ROLES, 200)),
    ("add an address", "get", "orders:address_create", [], dict.fromkeys(ROLES, 200)),
    ("edit an address", "get", "orders:address_edit", ["address"],
     {"buyer": 403, "approver": 403, "team_admin": 200, "staff": 403}),
    ("remove an address", "post", "orders:address_delete", ["address"],
     {"buyer": 403, "approver": 403, "team_admin": 302, "staff": 403}),
    ("delete someone else's list", "post", "favourites:list_delete", ["saved_list"],
     {"buyer": 403, "approver": 403, "team_admin": 302, "staff": 403}),
    ("the team page", "get", "people:team", [],
     {"buyer": 403, "approver": 403, "team_admin": 200, "staff": 403}),
    ("invite someone", "post", "people:invite", [],
     {"buyer": 403, "approver": 403, "team_admin": 302, "staff": 403}),
    ("change a role", "post", "people:member_update", ["colleague"],
     {"buyer": 403, "approver": 403, "team_admin": 302, "staff": 403}),
    ("deactivate someone", "post", "people:member_deactivate", ["colleague"],
     {"buyer": 403, "approver": 403, "team_admin": 302, "staff": 403}),
    ("order visibility", "post", "people:visibility", [],
     {"buyer": 403, "approver": 403, "team_admin": 302, "staff": 403}),
    ("approvals", "get", "orders:approval_list", [],
     {"buyer": 404, "approver": 200, "team_admin": 200, "staff": 404}),
    ("every order", "get", "orders:all_orders", [],
     {"buyer": 404, "approver": 200, "team_admin": 200, "staff": 404}),
    ("the Django admin", "get", "admin:index", [],
     {"buyer": ADMIN_LOGIN, "approver": ADMIN_LOGIN, "team_admin": ADMIN_LOGIN, "staff": 200}),
    ("system status", "get", "system_status", [],
     {"buyer": ADMIN_LOGIN, "approver": ADMIN_LOGIN, "team_admin": ADMIN_LOGIN, "staff": 200}),
]  # fmt: skip

POSTS = {
    "people:invite": {"email": "new@cafe.test", "role": "buyer"},
    "people:visibility": {"order_visibility": "own"},
}


@pytest.fixture
def people(django_user_model, team_admin):
    def make(name, groups, **extra):
        user = django_user_model.objects.create_user(name, password=f"pw-{name}-123", **extra)
        user.groups.add(*Group.objects.filter(name__in=groups))
        return user

    return {
        "buyer": make("bert", ["Buyers"]),
        "approver": make("alice", ["Buyers", "Approvers"]),
        "team_admin": team_admin,
        "staff": make("sam", [], is_staff=True),
    }


@pytest.fixture
def things(people, django_user_model):
    from favourites.models import SavedList
    from orders_app.models import Address

    colleague = django_user_model.objects.create_user("cole", password="pw-cole-123")
    colleague.groups.add(Group.objects.get(name="Buyers"))
    maker = django_user_model.objects.create_user("mia", password="pw-mia-123")
    return {
        "address": Address.objects.create(
            label="Main café", line1="1 Main St", city="Portland", state="OR", zip="97201"
        ),
        "saved_list": SavedList.objects.create(name="Weekly", created_by=maker),
        "colleague": colleague,
    }


@pytest.mark.parametrize("what, method, name, args, expected", TABLE, ids=[r[0] for r in TABLE])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_allowed_or_refused(client, people, things, role, what, method, name, args,
                                         expected):  # fmt: skip
    url = reverse(name, args=[things[arg].pk for arg in args])
    client.force_login(people[role])
    data = POSTS.get(name, {})
    if name == "people:member_update":  # the form's fields carry the person's id
        pk = things["colleague"].pk
        data = {f"m{pk}-role": "approver", f"m{pk}-threshold": "100"}
    response = getattr(client, method)(url, data)
    want = expected[role]
    if want == ADMIN_LOGIN:
        assert response.status_code == 302 and "/admin/login/" in response.url, (role, what)
    else:
        assert response.status_code == want, (role, what, response.status_code)
