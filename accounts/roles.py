"""Roles. Every active account is a **buyer** (its own cart and orders; the team's address book
and saved lists). **Approvers** hold the `orders_app.approve_order` permission — through the
"Approvers" group — and decide on orders over a spending threshold. **Team admins** hold
`accounts.manage_team` — through the "Team admins" group, which also approves — and manage the
people (invitations, roles, thresholds, deactivation), the address book and the shared lists,
on the Team page. **Staff** (Django's "staff status") run operations and the Django admin;
superusers hold every permission, so they count as approvers and team admins too.

A person's role on the Team page is one of ROLES; `role_of` reads it from the groups and
`role_groups` says which groups a role means (people.services.member_set_role writes them)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q

from accounts.models import TeamSettings

APPROVE_PERMISSION = "orders_app.approve_order"  # declared on orders_app.Order
MANAGE_TEAM_PERMISSION = "accounts.manage_team"  # declared on accounts.TeamSettings
BUYERS_GROUP = "Buyers"
APPROVERS_GROUP = "Approvers"
TEAM_ADMINS_GROUP = "Team admins"

BUYER, APPROVER, TEAM_ADMIN = "buyer", "approver", "team_admin"
ROLES = [
    (BUYER, "Buyer"),
    (APPROVER, "Approver"),
    (TEAM_ADMIN, "Team admin"),
]
ROLE_DESCRIPTIONS = {
    BUYER: "Orders for the team; adds addresses and lists.",
    APPROVER: "Also approves colleagues' orders over their spending threshold.",
    TEAM_ADMIN: "Also approves, and manages people, the address book and shared lists.",
}
_GROUPS = {
    BUYER: [BUYERS_GROUP],
    APPROVER: [BUYERS_GROUP, APPROVERS_GROUP],
    TEAM_ADMIN: [BUYERS_GROUP, APPROVERS_GROUP, TEAM_ADMINS_GROUP],
}
ALL_ROLE_GROUPS = [BUYERS_GROUP, APPROVERS_GROUP, TEAM_ADMINS_GROUP]

# Order visibility (`order_visibility()`): what a buyer's order list shows besides their own.
TEAM_ORDERS, OWN_ORDERS = "team", "own"
VISIBILITY_CHOICES = [
    (TEAM_ORDERS, "Everyone sees the team's orders (read-only)"),
    (OWN_ORDERS, "Each buyer sees only their own orders"),
]


def _permission_q(dotted: str) -> Q:
    app_label, codename = dotted.split(".")
    return Q(content_type__app_label=app_label, codename=codename)


def _holds(user, dotted: str) -> bool:
    """`user.has_perm(dotted)` in one query rather than loading every permission the user has."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Permission.objects.filter(
        _permission_q(dotted), Q(group__user=user) | Q(user=user)
    ).exists()


def is_approver(user) -> bool:
    """Whether the user may approve orders."""
    return _holds(user, APPROVE_PERMISSION)


def is_team_admin(user) -> bool:
    """Whether the user manages the team (the Team page, the address book, shared lists)."""
    return user.is_authenticated and _holds(user, MANAGE_TEAM_PERMISSION)


def _holders(dotted: str):
    permission = Permission.objects.filter(_permission_q(dotted)).first()
    who = Q(is_superuser=True)
    if permission is not None:
        who |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    return get_user_model().objects.filter(who, is_active=True).distinct()


def approvers(*, exclude=None) -> list:
    """Everyone who may approve orders (superusers included), optionally without one user."""
    users = _holders(APPROVE_PERMISSION)
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return list(users.order_by("first_name", "username"))


def team_admins():
    """The active team admins (superusers included), as a queryset."""
    return _holders(MANAGE_TEAM_PERMISSION)


def role_of(user) -> str:
    """The user's role on the Team page, from their groups (superusers: team admin)."""
    if user.is_superuser:
        return TEAM_ADMIN
    names = {group.name for group in user.groups.all()}
    if TEAM_ADMINS_GROUP in names:
        return TEAM_ADMIN
    if APPROVERS_GROUP in names:
        return APPROVER
    return BUYER


def role_label(role: str) -> str:
    return dict(ROLES)[role]


def role_groups(role: str) -> list[str]:
    """The groups that make a role (KeyError for an unknown role)."""
    return _GROUPS[role]


def order_visibility() -> str:
    """TEAM_ORDERS or OWN_ORDERS: the team admin's choice on the Team page, else the
    ORDER_VISIBILITY setting."""
    chosen = TeamSettings.objects.values_list("order_visibility", flat=True).first()
    return chosen or settings.ORDER_VISIBILITY
