from django import template

from accounts.roles import approvers

register = template.Library()


@register.simple_tag
def approvers_for(order) -> list[str]:
    """The names of the people who may approve `order` (anyone but its buyer)."""
    return [
        user.get_full_name() or user.get_username() for user in approvers(exclude=order.placed_by)
    ]
