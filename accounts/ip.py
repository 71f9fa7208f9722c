import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address: REMOTE_ADDR, or behind a trusted TLS proxy (BEHIND_TLS_PROXY)
    the address that proxy appended last to X-Forwarded-For. Anything that is not an IP
    address counts as unknown (None). Used by the audit log and by django-axes."""
    candidate = request.META.get("REMOTE_ADDR", "")
    if settings.BEHIND_TLS_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        candidate = forwarded.rsplit(",", 1)[-1].strip() or candidate
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None
