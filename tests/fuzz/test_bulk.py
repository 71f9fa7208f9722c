"""Fuzzing the quick-order pad and the CSV upload: what is typed or uploaded, what the confirm
steps carry back, and confirming twice."""

import codecs
import html
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.strategies import SKUS, form, fuzz, hostile, htmx, once, quantity, value

HIDDEN = re.compile(r'<input type="hidden" name="(once|lines|rest|token)" value="([^"]*)"')

sku = value(*SKUS, "cs-8oz-eco", "CS-8OZ-EC0", "sku")
qty = quantity(5000, 2000, "5 cases", "5cs", "5,000", "1 case", "10,000,001", "4000001")
pad_line = st.one_of(
    st.tuples(sku, st.sampled_from([" ", "\t", ",", ";", "  "]), qty).map("".join),
    hostile,
)
newline = st.sampled_from(["\n", "\r\n", "\r", "\u2028", "\x0b"])
pad_text = st.one_of(
    st.tuples(st.lists(pad_line, max_size=8), newline).map(lambda t: t[1].join(t[0])),
    st.integers(1, 260).map(lambda n: "\n".join(["CS-8OZ-ECO 2000"] * n)),
    st.integers(195, 205).map(lambda n: "\n".join(f"CS-X{i} 1" for i in range(n))),
    hostile,
)


def hidden(response) -> dict[str, str]:
    return {name: html.unescape(v) for name, v in HIDDEN.findall(response.content.decode())}


@fuzz(max_examples=400)
@given(sent=form(text=pad_text, keep=pad_text), hx=htmx, method=st.sampled_from(["get", "post"]))
def test_checking_pasted_lines(shop, sent, hx, method):
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        if method == "get":
            case.check(buyer.get("/cart/quick/", sent, htmx=hx), writes=False)
        else:
            case.check(buyer.post("/cart/quick/", sent, htmx=hx), writes=False)


@fuzz(max_examples=300)
@given(sent=form(add=value("ready"), lines=pad_text, rest=pad_text, once=once))
def test_adding_pasted_lines_once(shop, sent):
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        case.check_replay(lambda: buyer.post("/cart/quick/", sent))


@fuzz(max_examples=200)
@given(text=pad_text)
def test_checking_then_adding_pasted_lines_once(shop, text):
    """The pad's own round trip: check, then press "Add" (twice) with what the page carries."""
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        page = buyer.post("/cart/quick/", {"text": text})
        case.check(page, writes=False)
        carried = hidden(page)
        if "once" in carried:
            case.check_replay(lambda: buyer.post("/cart/quick/", {"add": "ready", **carried}))


header = st.sampled_from(["sku,qty", "SKU;QTY", "sku,qty,", "qty,sku", "sku", "", "\ufeffsku,qty"])
csv_row = st.one_of(
    st.tuples(sku, st.sampled_from([",", ";"]), qty).map("".join),
    st.tuples(sku, st.just(","), qty, st.just(","), qty).map("".join),
    st.just('"CS-8OZ-ECO,5000'),
    hostile,
)
csv_text = st.tuples(header, st.lists(csv_row, max_size=6), newline).map(
    lambda t: t[2].join([t[0], *t[1]])
)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"])


@st.composite
def csv_files(draw) -> SimpleUploadedFile:
    if draw(st.integers(0, 9)) == 0:
        content = draw(
            st.one_of(
                st.binary(max_size=200),
                st.just(b"PK\x03\x04" + b"x" * 50),
                st.just(b"sku,qty\n" + b"CS-8OZ-ECO,5000\n" * 20_000),
            )
        )
    else:
        content = draw(csv_text).encode(draw(encodings), errors="replace")
        if draw(st.booleans()):
            content = codecs.BOM_UTF8 + content
    name = draw(st.one_of(st.just("order.csv"), hostile.filter(lambda n: "\x00" not in n)))
    return SimpleUploadedFile(name or "x", content, content_type="text/csv")


@fuzz(max_examples=400)
@given(file=st.one_of(csv_files(), st.none(), hostile), mode=value("all", "valid"))
def test_uploading_and_confirming_a_file_once(shop, file, mode):
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        page = buyer.post("/cart/upload/", {} if file is None else {"file": file})
        case.check(page, writes=False)
        token = hidden(page).get("token")
        if token:
            case.check_replay(
                lambda: buyer.post("/cart/upload/confirm/", {"token": token, "mode": mode})
            )


@fuzz(max_examples=200)
@given(sent=form(token=value("", "x:y:z", "e30:1:abc"), mode=value("all", "valid")))
def test_confirming_a_forged_upload(shop, sent):
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        case.check(buyer.post("/cart/upload/confirm/", sent))
        assert case.unchanged()


@fuzz(max_examples=50)
@given(
    params=form(page=value(1)), path=st.sampled_from(["/cart/upload/", "/cart/upload/sample.csv"])
)
def test_the_upload_page_and_its_sample(shop, params, path):
    buyer = shop.visitor("buyer")
    with shop.example() as case:
        case.check(buyer.get(path, params), writes=False)
