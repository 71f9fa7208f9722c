from django.urls import path

from people.views import join, profile, team

app_name = "people"
urlpatterns = [
    # the Team page (team admins only: people/views/team.py)
    path("team/", team.team, name="team"),
    path("team/invite/", team.invite, name="invite"),
    path("team/visibility/", team.visibility, name="visibility"),
    path(
        "team/invitations/<int:invitation_id>/resend/",
        team.invitation_resend_view,
        name="invitation_resend",
    ),
    path(
        "team/invitations/<int:invitation_id>/revoke/",
        team.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path("team/people/<int:member_id>/", team.member_update_view, name="member_update"),
    path(
        "team/people/<int:member_id>/deactivate/",
        team.member_deactivate_view,
        name="member_deactivate",
    ),
    path(
        "team/people/<int:member_id>/reactivate/",
        team.member_reactivate_view,
        name="member_reactivate",
    ),
    # joining through an invitation (no login: the link is the proof)
    path("join/<str:token>/", join.join, name="join"),
    # one's own profile
    path("profile/", profile.profile, name="profile"),
    path("profile/name/", profile.profile_name, name="profile_name"),
    path("profile/email/", profile.email_change, name="email_change"),
    path("profile/email/confirm/<str:token>/", profile.email_confirm, name="email_confirm"),
    path("profile/sessions/end-others/", profile.sessions_end_view, name="sessions_end"),
]
