import codecs

import pytest
from django.contrib.messages import get_messages
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog_app.models import Product
from orders_app.bulk import BulkError, csv_add, csv_preview
from orders_app.models import CartLine

URL = "/cart/upload/"
CONFIRM_URL = "/cart/upload/confirm/"


def upload(content: bytes | str, name: str = "order.csv") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def preview_of(user, content):
    return csv_preview(user=user, file=upload(content))


def error_of(user, content) -> str:
    with pytest.raises(BulkError) as exc:
        preview_of(user, content)
    return exc.value.message


def cart_contents():
    return dict(CartLine.objects.values_list("product__sku", "qty"))


# --- reading the file ------------------------------------------------------------------------


def test_it_reads_rows_with_their_numbers_in_the_file(buyer, cup, lid):
    preview = preview_of(buyer, "sku,qty\nCS-8OZ-ECO,5000\n\nCS-DOME-LID,10 cases\n")
    assert [(line.number, line.sku, line.units) for line in preview.lines] == [
        (2, "CS-8OZ-ECO", 5000),
        (4, "CS-DOME-LID", 5000),
    ]
    assert all(line.ok for line in preview.lines)
    assert not CartLine.objects.exists()  # a preview adds nothing


def test_it_reads_utf8_with_a_bom_and_crlf(buyer, cup):
    preview = preview_of(buyer, codecs.BOM_UTF8 + b"sku,qty\r\nCS-8OZ-ECO,5000\r\n")
    assert preview.lines[0].ok and preview.lines[0].units == 5000


def test_it_detects_semicolons_and_a_loose_header(buyer, cup):
    preview = preview_of(buyer, ' SKU ; Qty \nCS-8OZ-ECO;5,000\n"cs-8oz-eco" ; 2 cases\n')
    first, second = preview.lines
    assert first.units == 5000 and second.units == 2000 and second.sku == "CS-8OZ-ECO"
    assert "added together, 7,000 units" in first.notes[0] and "rows 2 and 3" in first.notes[0]


def test_a_quoted_thousands_comma_is_fine(buyer, cup):
    assert preview_of(buyer, 'sku,qty\nCS-8OZ-ECO,"5,000"\n').lines[0].units == 5000


def test_trailing_empty_columns_from_a_spreadsheet_are_ignored(buyer, cup):
    preview = preview_of(buyer, "sku,qty,,\nCS-8OZ-ECO,5000,,\n,,,\n")
    assert len(preview.lines) == 1 and preview.lines[0].ok


def test_a_row_with_the_wrong_number_of_columns_is_reported_on_that_row(buyer, cup, lid):
    preview = preview_of(buyer, "sku,qty\nCS-8OZ-ECO,5,000\nCS-DOME-LID,5000\nCS-DOME-LID\n")
    by_number = {line.number: line for line in preview.lines}
    assert "has 3 columns; it should have 2" in by_number[2].error
    assert "without a thousands comma" in by_number[2].error
    assert by_number[3].ok
    assert "Add the quantity" in by_number[4].error


def test_it_reports_each_bad_row(buyer, cup, make_product):
    make_product("CS-OLD", discontinued=True)
    preview = preview_of(
        buyer, "sku,qty\nCS-NOPE,1000\nCS-OLD,1000\nCS-8OZ-ECO,plenty\nCS-8OZ-ECO,4500\n"
    )
    errors = [line.error for line in preview.lines]
    assert "don't know the SKU" in errors[0]
    assert "no longer offered" in errors[1]
    assert "not a quantity" in errors[2]
    # Row 5 alone would be off the case pack; it is only checked with the rows that parse.
    assert "cases of 1,000" in errors[3]


def test_it_refuses_utf16_from_excel(buyer, cup):
    data = "sku\tqty\r\nCS-8OZ-ECO\t5000\r\n".encode("utf-16")
    message = error_of(buyer, data)
    assert "UTF-16" in message and "CSV UTF-8" in message


def test_it_refuses_latin1(buyer, cup):
    message = error_of(buyer, "sku,qty\nCS-8OZ-ECO,5000 café\n".encode("latin-1"))
    assert "not saved as UTF-8" in message and "CSV UTF-8" in message


def test_it_refuses_an_excel_workbook(buyer):
    message = error_of(buyer, b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40)
    assert "Excel workbook, not a CSV file" in message


def test_it_refuses_a_binary_file(buyer):
    message = error_of(buyer, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "not a text file" in message


def test_it_refuses_a_file_with_nothing_but_blank_lines(buyer):
    assert "The file is empty" in error_of(buyer, codecs.BOM_UTF8 + b"\r\n  \r\n")


def test_it_refuses_a_file_without_the_header(buyer, cup):
    message = error_of(buyer, "CS-8OZ-ECO,5000\nCS-DOME-LID,5000\n")
    assert "must be the column names sku,qty" in message and "“CS-8OZ-ECO,5000”" in message


def test_it_refuses_a_wrong_header(buyer):
    assert "column names sku,qty" in error_of(buyer, "product;amount\nCS-8OZ-ECO;5000\n")


def test_it_refuses_a_header_without_rows(buyer):
    assert "no rows under it" in error_of(buyer, "sku,qty\n\n")


def test_it_refuses_more_than_200_rows(buyer, cup):
    assert len(preview_of(buyer, "sku,qty\n" + "CS-8OZ-ECO,1000\n" * 200).lines) == 200
    message = error_of(buyer, "sku,qty\n" + "CS-8OZ-ECO,1000\n" * 201)
    assert "The file has 201 rows; the most we take at once is 200." in message


def test_it_refuses_a_file_that_is_too_large(buyer):
    message = error_of(buyer, "sku,qty\n" + "x" * (256 * 1024))
    assert "the most we read is 256 KB" in message


def test_a_broken_csv_line_is_an_error_not_a_crash(buyer):
    message = error_of(buyer, 'sku,qty\nCS-8OZ-ECO,"' + "9" * 200_000 + "\n")
    assert "could not be read as CSV" in message


# --- confirming ------------------------------------------------------------------------------


def test_confirming_adds_every_row_at_once(buyer, cup, lid):
    preview = preview_of(buyer, "sku,qty\nCS-8OZ-ECO,5000\nCS-DOME-LID,5000\n")
    result = csv_add(user=buyer, token=preview.token)
    assert result.added == 2
    assert cart_contents() == {"CS-8OZ-ECO": 5000, "CS-DOME-LID": 5000}


def test_confirming_all_adds_nothing_while_a_row_is_bad(buyer, cup, lid):
    preview = preview_of(buyer, "sku,qty\nCS-8OZ-ECO,5000\nCS-DOME-LID,123\n")
    result = csv_add(user=buyer, token=preview.token)
    assert result.added == 0 and "1 of the rows need fixing" in result.problem
    assert not CartLine.objects.exists()


def test_adding_only_the_valid_rows_leaves_out_the_bad_ones(buyer, cup, lid):
    preview = preview_of(buyer, "sku,qty\nCS-8OZ-ECO,5000\nCS-NOPE,1\nCS-DOME-LID,5000\n")
    result = csv_add(user=buyer, token=preview.token, only_valid=True)
    assert result.added == 2
    assert cart_contents() == {"CS-8OZ-ECO": 5000, "CS-DOME-LID": 5000}


def test_confirming_checks_the_rows_again(buyer, cup, lid):
    preview = preview_of(buyer, "sku,qty\nCS-8OZ-ECO,5000\nCS-DOME-LID,5000\n")
    Product.objects.filter(pk=lid.pk).update(discontinued=True)  # the sync ran meanwhile
    for only_valid in (False, True):
        result = csv_add(user=buyer, token=preview.token, only_valid=only_valid)
        assert result.added == 0 and result.problem
        assert "no longer offered" in result.lines[1].error
    assert not CartLine.objects.exists()


def test_confirming_refuses_tampered_rows(buyer, cup):
    preview = preview_of(buyer, "sku,qty\nCS-8OZ-ECO,5000\n")
    payload = signing.loads(preview.token, salt=f"orders.bulk.csv:{buyer.pk}")
    payload["rows"][0][2] = "9000000"
    forged = signing.dumps(payload, salt="something else", compress=True)
    for token in (forged, preview.token[:-3] + "abc", "not-a-token"):
        with pytest.raises(BulkError) as exc:
            csv_add(user=buyer, token=token)
        assert "could not be read back" in exc.value.message
    assert not CartLine.objects.exists()


def test_a_token_from_another_buyer_is_refused(buyer, other_buyer, cup):
    preview = preview_of(other_buyer, "sku,qty\nCS-8OZ-ECO,5000\n")
    with pytest.raises(BulkError):
        csv_add(user=buyer, token=preview.token)


def test_an_old_preview_must_be_uploaded_again(buyer, cup, monkeypatch):
    preview = preview_of(buyer, "sku,qty\nCS-8OZ-ECO,5000\n")
    monkeypatch.setattr("orders_app.bulk.CSV_TOKEN_MAX_AGE", -1)
    with pytest.raises(BulkError) as exc:
        csv_add(user=buyer, token=preview.token)
    assert "more than an hour old" in exc.value.message


# --- the pages -------------------------------------------------------------------------------


def test_the_upload_page_offers_the_sample(buyer_client):
    response = buyer_client.get(URL)
    assert response.status_code == 200
    assert reverse("orders:upload_sample") in response.text
    assert 'enctype="multipart/form-data"' in response.text


def test_the_sample_is_a_csv_attachment_that_uploads_cleanly(buyer_client, cup, lid):
    response = buyer_client.get("/cart/upload/sample.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="cupboard-sample-order.csv"'
    body = response.content.decode()
    assert body.startswith("sku,qty\r\n")
    assert "CS-8OZ-ECO,5000\r\n" in body and "CS-DOME-LID,5000\r\n" in body
    preview = buyer_client.post(URL, {"file": upload(response.content)}).context["preview"]
    assert preview.lines[0].ok and preview.lines[1].ok


def test_the_preview_lists_every_row_and_adds_nothing(buyer_client, cup, lid):
    response = buyer_client.post(
        URL, {"file": upload("sku,qty\nCS-8OZ-ECO,5000\nCS-NOPE,1\n", name="june.csv")}
    )
    assert response.status_code == 200
    body = response.text
    assert "“june.csv”" in body and "8 oz Eco Paper Cup" in body and "CS-NOPE" in body
    assert "Add only the 1 ready row (skip 1)" in body
    assert 'value="all"' not in body  # adding everything is not offered while a row is bad
    assert not CartLine.objects.exists()


def test_a_clean_file_offers_to_add_all_lines(buyer_client, cup, lid):
    response = buyer_client.post(
        URL, {"file": upload("sku,qty\nCS-8OZ-ECO,5000\nCS-DOME-LID,5000\n")}
    )
    assert "Add 2 lines to cart" in response.text
    assert response.context["preview"].token in response.text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        ("sku,qty\nCS-8OZ-ECO,5000\n".encode("utf-16"), "CSV UTF-8"),
        ("sku;qty\nCAFÉ;5000\n".encode("latin-1"), "not saved as UTF-8"),
        (b"amount,sku\n5000,CS-8OZ-ECO\n", "column names sku,qty"),
        (b"\x00\x01\x02binary", "not a text file"),
        (b"PK\x03\x04" + b"\x00" * 100, "Excel workbook, not a CSV file"),
        (b"sku,qty\n" + b"CS-8OZ-ECO,1000\n" * 201, "The file has 201 rows"),
        (b"sku,qty\n" + b"#" * 300_000, "the most we read is 256 KB"),
        (b"CS-8OZ-ECO,5000\n", "must be the column names sku,qty"),
    ],
)
def test_a_malformed_file_gets_a_clear_message(buyer_client, content, message):
    response = buyer_client.post(URL, {"file": upload(content)})
    assert response.status_code == 200
    assert message in response.text
    assert response.context["preview"] is None


def test_posting_without_a_file_asks_for_one(buyer_client):
    response = buyer_client.post(URL, {})
    assert "Choose a CSV file to upload." in response.text


def test_confirming_all_goes_to_the_cart(buyer_client, buyer, cup, lid):
    preview = preview_of(buyer, "sku,qty\nCS-8OZ-ECO,5000\nCS-DOME-LID,5000\n")
    response = buyer_client.post(CONFIRM_URL, {"token": preview.token, "mode": "all"})
    assert response.status_code == 302 and response.url == reverse("orders:cart")
    assert cart_contents() == {"CS-8OZ-ECO": 5000, "CS-DOME-LID": 5000}
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["Added 2 lines from your file to the cart."]


def test_confirming_only_valid_rows_from_the_page(buyer_client, buyer, cup):
    preview = preview_of(buyer, "sku,qty\nCS-8OZ-ECO,5000\nCS-NOPE,1\n")
    response = buyer_client.post(CONFIRM_URL, {"token": preview.token, "mode": "valid"})
    assert response.status_code == 302
    assert cart_contents() == {"CS-8OZ-ECO": 5000}


def test_a_refused_confirm_shows_the_rows_again(buyer_client, buyer, cup):
    preview = preview_of(buyer, "sku,qty\nCS-8OZ-ECO,5000\nCS-NOPE,1\n")
    response = buyer_client.post(CONFIRM_URL, {"token": preview.token, "mode": "all"})
    assert response.status_code == 200
    assert "Nothing was added to your cart." in response.text
    assert "CS-NOPE" in response.text
    assert not CartLine.objects.exists()


def test_a_tampered_confirm_adds_nothing_and_says_so(buyer_client, cup):
    rows = signing.dumps({"rows": [[2, "CS-8OZ-ECO", "5000", ""]], "valid": [2]}, salt="guess")
    response = buyer_client.post(CONFIRM_URL, {"token": rows, "mode": "all"})
    assert response.status_code == 302 and response.url == URL
    assert not CartLine.objects.exists()
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert "could not be read back" in messages[0]


def test_a_confirm_with_a_bad_mode_adds_nothing(buyer_client, buyer, cup):
    preview = preview_of(buyer, "sku,qty\nCS-8OZ-ECO,5000\n")
    response = buyer_client.post(CONFIRM_URL, {"token": preview.token, "mode": "everything"})
    assert response.status_code == 302 and not CartLine.objects.exists()


def test_confirm_only_takes_post(buyer_client):
    assert buyer_client.get(CONFIRM_URL).status_code == 405


def test_anonymous_users_are_sent_to_log_in(client):
    for url in (URL, "/cart/upload/sample.csv"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/")
