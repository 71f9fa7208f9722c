"""The organisation's shared address book (every buyer sees, uses and may add every address;
only team admins change or remove one), and each buyer's own default ship-to address. Writes:
orders_app.services (address_*)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.roles import is_team_admin
from core.http import refused, safe_next
from orders_app.forms import AddressForm
from orders_app.models import Address, BuyerSettings
from orders_app.services import (
    address_create,
    address_delete,
    address_set_default,
    address_update,
    default_address_id,
)


@require_GET
def address_list(request: HttpRequest) -> TemplateResponse:
    context = {"addresses": Address.objects.all(), "default_id": default_address_id(request.user)}
    return TemplateResponse(request, "orders_app/address_list.html", context)


@require_http_methods(["GET", "POST"])
def address_create_view(request: HttpRequest) -> HttpResponse:
    form = AddressForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        address = address_create(
            user=request.user,
            address=form.save(commit=False),
            make_default=form.cleaned_data["make_default"],
        )
        messages.success(request, f"Added “{address.label}” to the address book.")
        return redirect(safe_next(request, "orders:address_list"))
    return _form_page(request, form, address=None)


@require_http_methods(["GET", "POST"])
def address_edit(request: HttpRequest, address_id: int) -> HttpResponse:
    address = get_object_or_404(Address, pk=address_id)
    if not is_team_admin(request.user):
        return _admins_only(request, "change")
    is_default = default_address_id(request.user) == address.pk
    form = AddressForm(
        request.POST if request.method == "POST" else None,
        instance=address,
        initial={"make_default": is_default},
    )
    if form.is_valid():
        address = address_update(
            user=request.user,
            address=form.save(commit=False),
            changed=bool(set(form.changed_data) - {"make_default"}),
            make_default=form.cleaned_data["make_default"],
        )
        messages.success(request, f"Saved “{address.label}”.")
        return redirect(safe_next(request, "orders:address_list"))
    return _form_page(request, form, address=address)


@require_http_methods(["GET", "POST"])
def address_delete_view(request: HttpRequest, address_id: int) -> HttpResponse:
    address = get_object_or_404(Address, pk=address_id)
    if not is_team_admin(request.user):
        return _admins_only(request, "remove")
    if request.method == "POST":
        address_delete(user=request.user, address=address)
        messages.success(
            request,
            f"Removed “{address.label}” from the address book. "
            "Orders already sent there keep their own copy of the address.",
        )
        return redirect("orders:address_list")
    context = {
        "address": address,
        "default_for": BuyerSettings.objects.filter(default_address=address).count(),
        "is_my_default": default_address_id(request.user) == address.pk,
    }
    return TemplateResponse(request, "orders_app/address_confirm_delete.html", context)


@require_POST
def address_default(request: HttpRequest, address_id: int) -> HttpResponse:
    address = get_object_or_404(Address, pk=address_id)
    address_set_default(user=request.user, address=address)
    messages.success(request, f"“{address.label}” is now your default ship-to address.")
    return redirect(safe_next(request, "orders:address_list"))


def _form_page(request: HttpRequest, form: AddressForm, *, address) -> TemplateResponse:
    context = {"form": form, "address": address, "next": safe_next(request)}
    return TemplateResponse(request, "orders_app/address_form.html", context)


def _admins_only(request: HttpRequest, verb: str) -> HttpResponse:
    return refused(
        request, f"Only a team admin can {verb} an address in the shared book: ask one of them."
    )
