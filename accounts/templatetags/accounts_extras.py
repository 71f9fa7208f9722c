from datetime import timedelta

from django import template

from accounts.roles import approvers

register = template.Library()


@register.simple_tag
def approvers_for(order) -> list[str]:
    """The names of the people who may approve `order` (anyone but its buyer)."""
    return [
        user.get_full_name() or user.get_username() for user in approvers(exclude=order.placed_by)
    ]


@register.filter
def minutes(value: timedelta) -> int:
    """A duration in whole minutes (at least 1)."""
    return max(1, round(value.total_seconds() / 60))
