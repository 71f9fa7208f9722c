"""Staff order on a buyer's behalf: choose the buyer, then the cart and checkout are theirs
until "Stop" (orders_app/on_behalf.py)."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_POST

from orders_app.on_behalf import SESSION_KEY, buyers_for_staff, shopper


class BuyerChoiceForm(forms.Form):
    buyer = forms.ModelChoiceField(
        queryset=buyers_for_staff().order_by("first_name", "username"),
        label="Order for",
        empty_label="Choose a buyer…",
        error_messages={"invalid_choice": "Choose one of the team's active buyers."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buyer"].label_from_instance = lambda user: (
            f"{user.get_full_name() or user.username} ({user.username})"
        )


@require_http_methods(["GET", "POST"])
def on_behalf_start(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise Http404
    form = BuyerChoiceForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        buyer = form.cleaned_data["buyer"]
        request.session[SESSION_KEY] = buyer.pk
        name = buyer.get_full_name() or buyer.username
        messages.success(
            request,
            f"You are ordering for {name}: the cart and checkout are theirs until you stop.",
        )
        return redirect("orders:cart")
    current = shopper(request)
    context = {"form": form, "current": current if current != request.user else None}
    status = 400 if form.errors else 200
    return TemplateResponse(request, "orders_app/on_behalf.html", context, status=status)


@require_POST
def on_behalf_stop(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    messages.info(request, "You are back to your own cart.")
    return redirect("orders:on_behalf")
