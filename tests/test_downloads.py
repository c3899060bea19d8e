"""Content-Disposition for every download (procurement/downloads.py): the real name in RFC 6266
`filename*` (UTF-8), and an ASCII `filename` fallback that keeps Danish letters readable."""

import pytest
from django.urls import reverse

from procurement.downloads import ascii_file_name, content_disposition, file_name_part
from procurement.models import Evidence
from tests.personas import answer, move_to, pdf_upload


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("forværring.docx", "forvaerring.docx"),
        ("Søren Ærø Åby.pdf", "Soeren Aeroe Aaby.pdf"),
        ("café-résumé.txt", "cafe-resume.txt"),
        ('a"b\\c/d:e.pdf', "a_b_c_d_e.pdf"),
        ("læge\r\nX-Injected: 1.pdf", "laege_X-Injected_ 1.pdf"),
        ("ææ", "aeae"),
        ("日本.pdf", "pdf"),
        ("", "download"),
    ],
)
def test_the_ascii_fallback(name, fallback):
    assert ascii_file_name(name) == fallback


def test_an_ascii_name_needs_no_extended_parameter():
    assert content_disposition("deadlines.ics", attachment=False) == (
        'inline; filename="deadlines.ics"'
    )


def test_a_danish_name_has_both_parameters_and_no_line_breaks():
    header = content_disposition("målinger\nfra ø.csv")
    assert header == (
        'attachment; filename="maalinger_fra oe.csv"; '
        "filename*=UTF-8''m%C3%A5linger_fra%20%C3%B8.csv"
    )
    assert "\n" not in header and "\r" not in header


def test_file_name_part_keeps_danish_letters():
    assert file_name_part("Forværring hos KOL-patienter!") == "forværring-hos-kol-patienter"
    assert len(file_name_part("x" * 200)) == 60


def test_an_evidence_download_keeps_its_danish_name(
    client, team, django_capture_on_commit_callbacks
):
    move_to(team, "legal")
    # The file gets its real name when the upload's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        answer(team, "legal.dpia", upload=pdf_upload("målinger på øen.pdf"))
    evidence = Evidence.objects.get(project=team.project)
    client.force_login(team.lawyer)
    response = client.get(reverse("evidence_download", args=[team.project.pk, evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="maalinger paa oeen.pdf"; '
        "filename*=UTF-8''m%C3%A5linger%20p%C3%A5%20%C3%B8en.pdf"
    )
