"""The organisation's shared address book (every buyer sees and uses every address), and each
buyer's own default ship-to address."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.audit import Action, audit_address
from orders_app.forms import AddressForm
from orders_app.models import Address, BuyerSettings


@require_GET
def address_list(request: HttpRequest) -> TemplateResponse:
    context = {"addresses": Address.objects.all(), "default_id": _default_id(request.user)}
    return TemplateResponse(request, "orders_app/address_list.html", context)


@require_http_methods(["GET", "POST"])
def address_create(request: HttpRequest) -> HttpResponse:
    form = AddressForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        address = form.save(commit=False)
        address.created_by = request.user
        address.save()
        audit_address(address, request.user, Action.ADDRESS_CREATED)
        if form.cleaned_data["make_default"]:
            _set_default(request.user, address)
        messages.success(request, f"Added “{address.label}” to the address book.")
        return redirect(_next(request) or "orders:address_list")
    return _form_page(request, form, address=None)


@require_http_methods(["GET", "POST"])
def address_edit(request: HttpRequest, address_id: int) -> HttpResponse:
    address = get_object_or_404(Address, pk=address_id)
    is_default = _default_id(request.user) == address.pk
    form = AddressForm(
        request.POST if request.method == "POST" else None,
        instance=address,
        initial={"make_default": is_default},
    )
    if form.is_valid():
        address = form.save()
        if set(form.changed_data) - {"make_default"}:
            audit_address(address, request.user, Action.ADDRESS_CHANGED)
        if form.cleaned_data["make_default"] != is_default:
            _set_default(request.user, address if form.cleaned_data["make_default"] else None)
        messages.success(request, f"Saved “{address.label}”.")
        return redirect(_next(request) or "orders:address_list")
    return _form_page(request, form, address=address)


@require_http_methods(["GET", "POST"])
def address_delete(request: HttpRequest, address_id: int) -> HttpResponse:
    address = get_object_or_404(Address, pk=address_id)
    if request.method == "POST":
        audit_address(address, request.user, Action.ADDRESS_DELETED)
        address.delete()
        messages.success(
            request,
            f"Removed “{address.label}” from the address book. "
            "Orders already sent there keep their own copy of the address.",
        )
        return redirect("orders:address_list")
    context = {
        "address": address,
        "default_for": BuyerSettings.objects.filter(default_address=address).count(),
        "is_my_default": _default_id(request.user) == address.pk,
    }
    return TemplateResponse(request, "orders_app/address_confirm_delete.html", context)


@require_POST
def address_default(request: HttpRequest, address_id: int) -> HttpResponse:
    address = get_object_or_404(Address, pk=address_id)
    _set_default(request.user, address)
    messages.success(request, f"“{address.label}” is now your default ship-to address.")
    return redirect(_next(request) or "orders:address_list")


def _form_page(request: HttpRequest, form: AddressForm, *, address) -> TemplateResponse:
    context = {"form": form, "address": address, "next": _next(request)}
    return TemplateResponse(request, "orders_app/address_form.html", context)


def _default_id(user) -> int | None:
    return (
        BuyerSettings.objects.filter(user=user).values_list("default_address_id", flat=True).first()
    )


def _set_default(user, address: Address | None) -> None:
    BuyerSettings.objects.update_or_create(user=user, defaults={"default_address": address})


def _next(request: HttpRequest) -> str:
    """Where to return after saving (e.g. checkout), if it is a page of this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""
