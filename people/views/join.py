"""Joining through an invitation link (no login needed: the link is the proof). The person
chooses a user name and password; the link then stops working."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from people.forms import JoinForm
from people.services import TeamError, invitation_accept, invitation_for_token, invitation_problem


@login_not_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_for_token(token)
    problem = invitation_problem(invitation)
    if request.user.is_authenticated:
        problem = problem or (
            f"You are logged in as {request.user.get_username()}: log out first to join as "
            "the person this invitation is for."
        )
    if problem:
        return TemplateResponse(request, "people/join.html", {"problem": problem}, status=410)
    invited = invitation.user
    form = JoinForm(request.POST if request.method == "POST" else None, user=invited)
    if request.method == "GET":
        form = JoinForm(user=invited, initial={"username": invitation.email.split("@")[0]})
    if form.is_valid():
        data = form.cleaned_data
        try:
            user = invitation_accept(
                token=token,
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                password=data["password1"],
            )
        except TeamError as exc:
            form.add_error(exc.field, exc.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to Cupboard, {user.first_name}.")
            return redirect("home")
    context = {"form": form, "invitation": invitation}
    return TemplateResponse(
        request, "people/join.html", context, status=400 if form.errors else 200
    )
