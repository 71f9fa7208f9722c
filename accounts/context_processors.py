from core.user_facts import user_fact


def roles(request):
    """`is_team_admin` for the navigation (the Team link) and the pages' admin-only buttons
    (the views check it themselves)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"is_team_admin": user_fact(request, "team_admin")}
