"""A template per kind of upload, with the expected columns and an example row (issue 19): each
one, CSV and Excel, is read back by the upload parser without a problem."""

import pytest
from django.urls import reverse

from validation.kinds import UploadKind
from validation.parsing import KEY_COLUMN, parse_upload
from validation.upload_templates import csv_template, template_columns, xlsx_template


@pytest.mark.parametrize("kind", UploadKind.values)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_every_template_is_read_back_by_the_parser(kind, file_format):
    body = csv_template(kind) if file_format == "csv" else xlsx_template(kind)
    table = parse_upload(body, f"skabelon.{file_format}", kind)
    assert table.n_rows == 1
    assert set(KEY_COLUMN[kind]) <= set(table.columns)
    assert set(template_columns(kind)) == set(table.columns), "every column is a known one"
    assert not table.subgroups


def test_the_csv_opens_in_danish_excel():
    body = csv_template(UploadKind.CLASSIFICATION).decode("utf-8")
    assert body.startswith("\ufeffid;score;outcome;decision\r\n")
    assert "0,82" in body  # a decimal comma


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("file_format", "content_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_the_template_downloads(client, django_user_model, file_format, content_type):
    url = reverse("validation:upload_template", args=["pdqi9", file_format])
    assert client.get(url).status_code == 302, "a login first"
    client.force_login(django_user_model.objects.create_user("someone", password="pw"))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert f'filename="skabelon-pdqi9.{file_format}"' in response["Content-Disposition"]
    assert client.post(url).status_code == 405


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    ["/validation/templates/nonsense.csv", "/validation/templates/pdqi9.pdf"],
)
def test_an_unknown_template_is_404(client, django_user_model, path):
    client.force_login(django_user_model.objects.create_user("someone", password="pw"))
    assert client.get(path).status_code == 404
