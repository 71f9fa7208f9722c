"""Every form shows every error: walk the pages each role sees, read every form on them as a
browser would (tests/fuzz/pages.py), and submit it with one bad value at a time — text one
character longer than its maxlength or with a NUL character, -1 and 10**30 for numbers, a
choice the select does not offer, nothing in a required field, a file that is empty or not
text. The page the browser ends on (after the redirect, if any) must show what is wrong: an
element with the class errorlist, note-error, message-error or alert-error, or role="alert",
that says something; and never a server error. A form that also sends itself with htmx
(hx-post) is sent that way too: the fragment htmx swaps in must show it (with a 200: htmx
does not swap a 4xx).

Forms with nothing a person edits are skipped: they are buttons (log out, the delete
confirmations, stars, remove a line, add its lid, empty the cart, "Got it", make an address
the default, reorder, cancel, put a list in the cart, the CSV and quick-order confirmations).
"""

from urllib.parse import urljoin

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.fuzz.pages import Field, Form, errors_shown, forms_on

NOT_A_CHOICE = "not-a-choice"


def bad_values(field: Field) -> list[object]:
    """The invalid values to try in `field` (a file field's are uploads; None: left out)."""
    if field.kind == "file":
        return [None, SimpleUploadedFile("empty.csv", b""), SimpleUploadedFile("x.csv", b"\0\1")]
    if field.kind in ("select", "radio"):
        return [NOT_A_CHOICE]
    if field.kind == "number":
        values = ["-1", str(10**30)]
    elif field.kind == "date":
        values = ["not-a-date", "2026-02-30"]
    else:
        values = ["a\x00b"]
        if field.maxlength:
            values.append("x" * (field.maxlength + 1))
    if field.required:
        values.append("")
    return values


def pages_for(shop) -> dict[str, list[str]]:
    """The pages each role sees (anonymous first: the reset link is good until the buyer
    signs in)."""
    orders, address, saved_list = shop.orders, shop.address.pk, shop.saved_list.pk
    pending = shop.other_orders["pending"].pk
    standing = shop.standing["own"].pk
    return {
        "anonymous": ["/login/", "/password-reset/",
                      f"/password-reset/{shop.resolve('@uid')}/{shop.resolve('@token')}/",
                      shop.join_path],
        "buyer": [
            "/", "/catalog/", f"/catalog/{shop.cup.sku}/", "/cart/", "/checkout/",
            "/cart/quick/", "/cart/upload/", "/orders/", f"/orders/{orders['sent'].pk}/",
            f"/orders/{orders['needs_changes'].pk}/", f"/orders/{orders['pending'].pk}/",
            "/addresses/", "/addresses/new/", "/favourites/",
            f"/favourites/lists/{saved_list}/", "/account/password/",
            f"/standing/new/?list={saved_list}", f"/standing/{standing}/",
            f"/standing/{standing}/edit/", "/restock/", "/account/notifications/",
            "/notifications/", "/favourites/lists/from-cart/", "/profile/",
        ],
        "team_admin": ["/team/", f"/addresses/{address}/edit/"],
        "staff": ["/orders/on-behalf/"],
        "approver": ["/", "/approvals/", "/approvals/orders/", f"/approvals/orders/{pending}/"],
    }  # fmt: skip


def submit(visitor, form: Form, data: dict, *, htmx: bool = False):
    path = form.action.removeprefix("http://testserver")
    send = visitor.client.get if form.method == "get" else visitor.client.post
    if htmx:
        return send(path, data, headers={"HX-Request": "true"})
    return send(path, data, follow=True)


def test_every_form_shows_every_error(shop):
    checked, failures = set(), []
    for role, pages in pages_for(shop).items():
        visitor = shop.visitor(role)
        for page in pages:
            visitor.reset()
            response = visitor.client.get(page, follow=True)
            assert response.status_code == 200, page
            visitor.keep_cookies()  # what the page set (a reset link's session) is sent back
            url, html = response.request["PATH_INFO"], response.content.decode()
            already = set(errors_shown(html))  # (a refused order's page says why, always)
            for form in forms_on(url, html):
                if not form.editable or form.signature in checked:
                    continue  # buttons only, or a form already checked on another page
                checked.add(form.signature)
                failures += _try_every_bad_value(shop, visitor, form, already)
    actions = {signature[1] for signature in checked}
    assert {
        "/cart/add/", "/cart/lines/<id>/", "/checkout/", "/cart/quick/", "/cart/upload/",
        "/orders/", "/orders/<id>/resubmit/", "/addresses/new/", "/addresses/<id>/edit/",
        "/favourites/lists/new/", "/favourites/lists/<id>/items/",
        "/favourites/lists/<id>/items/<id>/", "/favourites/lists/<id>/rename/",
        "/favourites/save/CS-8OZ-ECO/", "/catalog/", "/approvals/orders/",
        "/approvals/orders/<id>/approve/", "/account/password/", "/login/", "/password-reset/",
        "/standing/new/", "/standing/<id>/edit/", "/standing/<id>/lines/",
        "/account/notifications/", "/favourites/lists/from-cart/",
        "/team/invite/", "/team/people/<id>/", "/team/visibility/", "/profile/name/",
        "/profile/email/", "/orders/on-behalf/",
    } <= actions, actions  # fmt: skip
    assert any(action.startswith("/join/") for action in actions), actions
    assert not failures, "\n".join(failures)


def _try_every_bad_value(shop, visitor, form: Form, already: set[str]) -> list[str]:
    """Submit `form` with each bad value in each field; what went wrong, if anything. An
    error counts only if the form's page did not show it anyway (`already`)."""
    failures = []
    for field in form.editable:
        for bad in bad_values(field):
            for button in form.buttons:
                data = form.data(button)
                if bad is None:
                    data.pop(field.name, None)
                else:
                    data[field.name] = bad if field.kind == "file" else [bad]
                target = form if not button[2] else _with_action(form, button[2])
                ways = [False, True] if form.htmx and form.method == "post" else [False]
                for htmx in ways:
                    if isinstance(bad, SimpleUploadedFile):
                        bad.seek(0)
                    with shop.example():
                        response = submit(visitor, target, data, htmx=htmx)
                        problem = _problem(response, htmx, already)
                    if problem:
                        shown = repr(bad)[:40]
                        failures.append(
                            f"{form.page} → {target.method.upper()} {target.action} "
                            f"{field.name}={shown}{' (htmx)' if htmx else ''}: {problem}"
                        )
    return failures


def _with_action(form: Form, action: str) -> Form:
    return Form(**{**form.__dict__, "action": urljoin(form.page, action)})


def _problem(response, htmx: bool, already: set[str]) -> str:
    if response.status_code >= 500:
        return f"answered {response.status_code}"
    if htmx and response.status_code != 200:
        return f"answered {response.status_code}: htmx does not swap it in"
    if not set(errors_shown(response.content.decode(errors="replace"))) - already:
        return "no error shown"
    return ""
