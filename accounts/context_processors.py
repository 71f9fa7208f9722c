from accounts.mfa import SETUP_REQUIRED, mfa_required
from core.user_facts import user_fact


def roles(request):
    """`is_team_admin` for the navigation (the Team link) and the pages' admin-only buttons
    (the views check it themselves); whether the person must (or must now) set up MFA."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "is_team_admin": user_fact(request, "team_admin"),
        "mfa_setup_required": request.session.get(SETUP_REQUIRED, False),
        "mfa_required": lambda: mfa_required(user),  # (only the security pages ask)
    }
