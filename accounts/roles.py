"""Roles. Every active account is a buyer (its own cart and orders). Approvers hold the
`orders_app.approve_order` permission — normally through the "Approvers" group — and see every
order and decide on those waiting for approval. Staff work in the admin. Staff manage who is
what in the admin (Users › groups)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q

APPROVE_PERMISSION = "orders_app.approve_order"  # declared on orders_app.Order
BUYERS_GROUP = "Buyers"
APPROVERS_GROUP = "Approvers"


def _approve_permission():
    app_label, codename = APPROVE_PERMISSION.split(".")
    return Q(content_type__app_label=app_label, codename=codename)


def is_approver(user) -> bool:
    """Whether the user may approve orders (`user.has_perm(APPROVE_PERMISSION)`, in one query
    rather than loading every permission the user has)."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    return Permission.objects.filter(
        _approve_permission(), Q(group__user=user) | Q(user=user)
    ).exists()


def approvers(*, exclude=None) -> list:
    """Everyone who may approve orders (superusers included), optionally without one user."""
    permission = Permission.objects.filter(_approve_permission()).first()
    who = Q(is_superuser=True)
    if permission is not None:
        who |= Q(groups__permissions=permission) | Q(user_permissions=permission)
    users = get_user_model().objects.filter(who, is_active=True).distinct()
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return list(users.order_by("first_name", "username"))
