"""System checks (tag `sandbox`): a bad sandbox setting stops `sandbox_serve` from starting."""

from django.conf import settings
from django.core.checks import Error, register

from sandbox import faults


@register("sandbox")
def check_settings(app_configs=None, **kwargs):
    errors = []
    try:
        faults.parse(settings.SANDBOX_FAULTS)
    except faults.FaultSpecError as exc:
        errors.append(Error(str(exc), hint="See sandbox/faults.py.", id="sandbox.E001"))
    if settings.SANDBOX_RATE_LIMIT < 1:
        errors.append(Error("SANDBOX_RATE_LIMIT must be at least 1.", id="sandbox.E002"))
    if not settings.SANDBOX_TIME_SCALE > 0:
        errors.append(Error("SANDBOX_TIME_SCALE must be more than 0.", id="sandbox.E003"))
    return errors
