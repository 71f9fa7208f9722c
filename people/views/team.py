"""The Team page (team admins only): the people, their roles and spending thresholds, the
invitations, and whether buyers see each other's orders. Every change: people.services."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_POST

from accounts.roles import is_team_admin, order_visibility, role_of
from core.http import refused
from orders_app.forms import first_error
from orders_app.models import BuyerSettings
from people.forms import InviteForm, MemberForm, VisibilityForm
from people.models import Invitation
from people.services import (
    TeamError,
    invitation_resend,
    invitation_revoke,
    member_deactivate,
    member_invite,
    member_reactivate,
    member_update,
    team_set_visibility,
)


def team_admin_required(view):
    """Only team admins; anyone else gets the 403 page saying who can."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not is_team_admin(request.user):
            return refused(request, "The Team page is for team admins: ask one of them.")
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@team_admin_required
def team(request: HttpRequest) -> TemplateResponse:
    return _page(request)


def _page(request, *, invite_form=None, status=200, errors=None) -> TemplateResponse:
    open_invitations = Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)
    not_joined = open_invitations.exclude(user=None).values("user_id")
    people = list(
        get_user_model()
        .objects.exclude(pk__in=not_joined)
        .prefetch_related("groups")
        .order_by("-is_active", "first_name", "username")
    )
    thresholds = dict(
        BuyerSettings.objects.filter(user__in=people).values_list("user_id", "approval_threshold")
    )
    rows = []
    for person in people:
        role = role_of(person)
        form = MemberForm(
            initial={"role": role, "threshold": thresholds.get(person.pk)},
            prefix=f"m{person.pk}",
        )
        staff = person.is_staff or person.is_superuser
        rows.append({"person": person, "role": role, "form": form, "staff": staff,
                     "error": (errors or {}).get(person.pk)})  # fmt: skip
    context = {
        "rows": rows,
        "invitations": open_invitations.select_related("invited_by"),
        "invite_form": invite_form or InviteForm(),
        "visibility_form": VisibilityForm(initial={"order_visibility": order_visibility()}),
        "default_threshold": settings.APPROVAL_THRESHOLD,
    }
    return TemplateResponse(request, "people/team.html", context, status=status)


@require_POST
@team_admin_required
def invite(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = member_invite(by=request.user, **form.cleaned_data)
        except TeamError as exc:
            form.add_error("email", exc.message)
        else:
            messages.success(
                request, f"Invited {invitation.email}: the link in their mail works for 72 hours."
            )
            return redirect("people:team")
    return _page(request, invite_form=form, status=400)


def _invitation(invitation_id: int) -> Invitation:
    return get_object_or_404(Invitation, pk=invitation_id)


@require_POST
@team_admin_required
def invitation_resend_view(request: HttpRequest, invitation_id: int) -> HttpResponse:
    try:
        invitation = invitation_resend(by=request.user, invitation=_invitation(invitation_id))
    except TeamError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Sent {invitation.email} a new link; the one before no longer works."
        )
    return redirect("people:team")


@require_POST
@team_admin_required
def invitation_revoke_view(request: HttpRequest, invitation_id: int) -> HttpResponse:
    try:
        invitation = invitation_revoke(by=request.user, invitation=_invitation(invitation_id))
    except TeamError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Withdrew the invitation of {invitation.email}.")
    return redirect("people:team")


def _member(member_id: int):
    return get_object_or_404(get_user_model(), pk=member_id)


@require_POST
@team_admin_required
def member_update_view(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(member_id)
    form = MemberForm(request.POST, prefix=f"m{member.pk}")
    if not form.is_valid():
        return _page(request, status=400, errors={member.pk: first_error(form)})
    try:
        changed = member_update(by=request.user, member=member, **form.cleaned_data)
    except TeamError as exc:
        return _page(request, status=400, errors={member.pk: exc.message})
    name = member.get_full_name() or member.get_username()
    messages.success(request, f"Saved {name}." if changed else f"Nothing changed for {name}.")
    return redirect("people:team")


@require_POST
@team_admin_required
def member_deactivate_view(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(member_id)
    try:
        ended = member_deactivate(by=request.user, member=member)
    except TeamError as exc:
        return _page(request, status=400, errors={member.pk: exc.message})
    else:
        messages.success(
            request,
            f"Deactivated {member.get_full_name() or member.get_username()}: signed out of "
            f"{ended} session{'s' * (ended != 1)}; their orders stay as they are.",
        )
    return redirect("people:team")


@require_POST
@team_admin_required
def member_reactivate_view(request: HttpRequest, member_id: int) -> HttpResponse:
    member = _member(member_id)
    try:
        member_reactivate(by=request.user, member=member)
    except TeamError as exc:
        return _page(request, status=400, errors={member.pk: exc.message})
    else:
        messages.success(request, f"Reactivated {member.get_full_name() or member.get_username()}.")
    return redirect("people:team")


@require_POST
@team_admin_required
def visibility(request: HttpRequest) -> HttpResponse:
    form = VisibilityForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("people:team")
    team_set_visibility(by=request.user, visibility=form.cleaned_data["order_visibility"])
    messages.success(request, "Saved who sees which orders.")
    return redirect("people:team")
