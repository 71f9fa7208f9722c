from django import template

from core.logs import request_id as current_request_id

register = template.Library()


@register.simple_tag
def request_id() -> str:
    """The id of the request being answered (the one in the logs and in X-Request-ID), with no
    template context needed: the 500 page, which Django renders with none, shows it."""
    return current_request_id.get()


@register.filter
def apps_without(app_list: list[dict], label: str) -> list[dict]:
    """The admin's app list without one app (the sandbox gets a section of its own)."""
    return [app for app in app_list if app["app_label"] != label]


@register.filter
def apps_only(app_list: list[dict], label: str) -> list[dict]:
    return [app for app in app_list if app["app_label"] == label]
