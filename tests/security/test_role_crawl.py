"""A crawl as each role: starting from the overview, follow every link the pages show (GET
only) and check that none leads somewhere the role should not reach, and that every page it
reaches opens (no link to a page that refuses the role). The table of allowed and refused
actions is tests/accounts/test_role_matrix.py; this checks what the pages offer."""

import re
from collections import deque
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from django.test import Client

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="(/[^"#]*)"')
# Never followed: logging out, downloads, the bell's mark-read fragments, static files.
SKIP = re.compile(
    r"^/(logout/|static/|orders/export\.csv|cart/upload/sample\.csv|account/security/recovery-codes/download/)"
)
MAX_PAGES = 120

NOT_FOR = {
    "buyer": ("/team/", "/approvals/", "/admin/", "/orders/on-behalf/"),
    "approver": ("/team/", "/admin/", "/orders/on-behalf/"),
    "team_admin": ("/admin/", "/orders/on-behalf/"),
    "staff": (),
}


def crawl(client: Client) -> dict[str, int]:
    """Every same-site page reachable by links from the overview → its status."""
    seen: dict[str, int] = {}
    queue = deque(["/"])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        path = urlsplit(url).path
        if path.startswith("/admin/") and path != "/admin/":
            continue  # the admin's own pages are Django's (staff only: test_url_walk.py)
        for link in HREF.findall(response.content.decode()):
            link = unescape(link)
            if not SKIP.match(link) and link not in seen:
                queue.append(link)
    return seen


@pytest.fixture
def team_admin_in_world(world, django_user_model):
    user = django_user_model.objects.create_user("tara", password="pw-tara-123")
    user.groups.add(*Group.objects.filter(name__in=["Buyers", "Approvers", "Team admins"]))
    return user


@pytest.mark.parametrize("role", list(NOT_FOR))
def test_each_role_reaches_only_its_own_pages(world, team_admin_in_world, role):
    user = {"buyer": world.buyer, "approver": world.approver, "staff": world.staff,
            "team_admin": team_admin_in_world}[role]  # fmt: skip
    client = Client()
    client.force_login(user)
    reached = crawl(client)
    assert len(reached) > 15, reached  # the crawl went somewhere
    forbidden = [url for url in reached if url.startswith(NOT_FOR[role])]
    assert forbidden == [], f"{role} is offered {forbidden}"
    refused = {url: status for url, status in reached.items() if status != 200 and status != 302}
    assert refused == {}, f"{role} is offered links that fail: {refused}"
    if role in ("team_admin", "staff"):
        assert "/team/" in reached
    if role == "staff":
        assert "/admin/" in reached and "/orders/on-behalf/" in reached
