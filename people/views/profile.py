"""One's own profile: name, e-mail (changed through a confirmation mail), password and
notification links, the sessions signed in elsewhere, sign-in factors."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.mfa import has_second_factor
from accounts.roles import role_label, role_of
from accounts.sessions import sessions_of
from people.forms import EmailChangeForm, NameForm
from people.services import (
    TeamError,
    email_change_confirm,
    email_change_read,
    email_change_request,
    profile_update,
    sessions_end_others,
)


@require_GET
def profile(request: HttpRequest) -> TemplateResponse:
    return _page(request)


def _page(request, *, name_form=None, email_form=None, status=200) -> TemplateResponse:
    user = request.user
    context = {
        "name_form": name_form
        or NameForm(initial={"first_name": user.first_name, "last_name": user.last_name}),
        "email_form": email_form or EmailChangeForm(),
        "sessions": sessions_of(user),
        "current_key": request.session.session_key,
        "role": role_label(role_of(user)),
        "second_factor": has_second_factor(user),
    }
    return TemplateResponse(request, "people/profile.html", context, status=status)


@require_POST
def profile_name(request: HttpRequest) -> HttpResponse:
    form = NameForm(request.POST)
    if not form.is_valid():
        return _page(request, name_form=form, status=400)
    profile_update(user=request.user, **form.cleaned_data)
    messages.success(request, "Saved your name.")
    return redirect("people:profile")


@require_POST
def email_change(request: HttpRequest) -> HttpResponse:
    form = EmailChangeForm(request.POST)
    if form.is_valid():
        try:
            email_change_request(user=request.user, new_email=form.cleaned_data["email"])
        except TeamError as exc:
            form.add_error("email", exc.message)
        else:
            messages.success(
                request,
                f"Sent a link to {form.cleaned_data['email']}: your address changes when you "
                "open it (within a day). Until then your mail goes to the old address.",
            )
            return redirect("people:profile")
    return _page(request, email_form=form, status=400)


@require_http_methods(["GET", "POST"])
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "POST":
            new_email = email_change_confirm(user=request.user, token=token)
            messages.success(request, f"Your e-mail address is now {new_email}.")
            return redirect("people:profile")
        new_email = email_change_read(user=request.user, token=token)
    except TeamError as exc:
        context = {"problem": exc.message}
        return TemplateResponse(request, "people/email_confirm.html", context, status=410)
    return TemplateResponse(request, "people/email_confirm.html", {"new_email": new_email})


@require_POST
def sessions_end_view(request: HttpRequest) -> HttpResponse:
    ended = sessions_end_others(user=request.user, current_key=request.session.session_key)
    messages.success(
        request, f"Signed out of {ended} other session{'s' * (ended != 1)}; this one stays."
    )
    return redirect("people:profile")
