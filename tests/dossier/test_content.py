"""What one dossier PDF holds: answers, hashes, decisions, page numbers, PDF/A and tags, and
dossier.json against its schema. These tests only read, so they share one rendered dossier (made
once for the module; see tests/module_data.py); the tests that change or render again are in
test_dossier.py."""

import io
import re
import tempfile
from pathlib import Path

import jsonschema
import pikepdf
import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext, override, pgettext

from dossier import services
from dossier.models import DossierVersion
from procurement.models import Evidence
from tests.module_data import module_data
from tests.personas import make_team

from .conftest import full_journey, load_dossier_pathway
from .helpers import attachments, dossier_json, page_texts, pdf_text, pdfa_report, schema, squeezed

FOOTER_CONTEXT = "page number footer: Page 3 of 12"
FILES = Path(tempfile.mkdtemp(prefix="dossier-content-"))
SETTINGS = {"EVIDENCE_ROOT": FILES / "evidence", "DOSSIER_ROOT": FILES / "dossiers"}


def render_once():
    team = full_journey(make_team(load_dossier_pathway()))
    client = Client()
    client.force_login(team.procurement)
    response = client.post(reverse("dossier:generate", args=[team.project.pk]))
    assert response.status_code == 302
    version = DossierVersion.objects.get(project=team.project)
    return team, version.pk


shared = module_data(render_once, **SETTINGS)


@pytest.fixture(autouse=True)
def evidence_root(settings):
    settings.EVIDENCE_ROOT = SETTINGS["EVIDENCE_ROOT"]


@pytest.fixture(autouse=True)
def dossier_root(settings):
    settings.DOSSIER_ROOT = SETTINGS["DOSSIER_ROOT"]


@pytest.fixture
def case(db, shared):
    return shared[0]


@pytest.fixture
def rendered(db, shared) -> tuple[DossierVersion, bytes]:
    version = DossierVersion.objects.get(pk=shared[1])
    return version, services.read_version(version)


def test_the_pdf_holds_answers_hashes_approvals_and_sign_offs(case, rendered):
    version, content = rendered
    text = pdf_text(content)
    flat = squeezed(text)
    evidence = Evidence.objects.get(project=case.project)
    assert "Testprojekt" in text
    assert "Lange ventetider på beskrivelser." in text  # a text answer
    assert "Ingen enklere løsning findes." in text  # the justification of "not applicable"
    assert "Noter fra juristen." in text
    assert "1.250.000,5" in text  # a number, in Danish format
    assert evidence.sha256 in flat and "kravspec.pdf" in text
    # The decisions: who approved, the gate question, the reasons for return and stop.
    assert "Er behovet klart?" in text and "Consultant" in text
    assert "Kravene skal skærpes." in text and "Afventer." in text and "Klar." in text
    # The sign-off with name and role.
    assert "Procurement" in text
    # The requirements list, the sources appendix, the item that does not apply.
    assert "Klinisk kvalitet." in text and "Valideringsrapport." in text
    assert "Art. 28" in text and "eur-lex.europa.eu" in flat
    with override("da"):
        not_applicable = gettext("Does not apply because of earlier answers")
    assert f"{not_applicable}: 3.2 Konsekvensanalyse (DPIA)" in " ".join(text.split())
    assert version.page_count == len(page_texts(content))
    assert version.stage_key == "legal" and version.created_by == case.procurement


def test_page_numbers_running_header_and_toc_page_numbers(case, rendered):
    _version, content = rendered
    pages = page_texts(content)
    total = len(pages)
    with override("da"):
        label, of = pgettext(FOOTER_CONTEXT, "Page"), pgettext(FOOTER_CONTEXT, "of")
    assert f"{label} 2 {of} {total}" in pages[1]
    assert f"{label} {total} {of} {total}" in pages[-1]
    assert f"{label} 1 " not in pages[0]  # not on the cover
    # The running header: the TOC and the evidence pages name the project only there.
    assert all("Testprojekt" in page for page in pages[1:])
    toc = pages[1]
    with override("da"):  # the dossier is rendered in the requester's language (Danish here)
        headings = (gettext("Full history"), gettext("Evidence files"), "3. Juridisk vurdering")
    for heading in headings:
        match = re.search(re.escape(heading) + r"[ .]+(\d+)", toc)
        assert match, heading
        number = int(match.group(1))
        assert heading in pages[number - 1], heading
        assert all(heading not in page for page in pages[2 : number - 1]), heading


def test_pdfa_3b_valid_and_tagged_with_the_language(case, rendered):
    _version, content = rendered
    report = pdfa_report(content)
    assert report.passed, report.findings
    with pikepdf.open(io.BytesIO(content)) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert bool(pdf.Root.MarkInfo.Marked)
        assert str(pdf.Root.Lang) == "da"
        with pdf.open_metadata() as meta:
            assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("3", "B")


def test_the_attachment_validates_against_the_schema_and_matches_the_project(case, rendered):
    version, content = rendered
    assert list(attachments(content)) == ["dossier.json"]
    data = dossier_json(content)
    jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker()).validate(
        data
    )
    project = case.project
    assert data["dossier"]["version"] == version.number == 1
    assert data["dossier"]["generated_by"]["username"] == "procurement"
    assert data["project"]["id"] == project.pk and data["project"]["state"] == "legal"
    assert (data["pathway"]["slug"], data["pathway"]["version"]) == ("dossier-test", 1)
    assert [stage["key"] for stage in data["stages"]] == ["need", "requirements", "legal"]
    items = {item["key"]: item for stage in data["stages"] for item in stage["items"]}
    assert items["need.problem"]["answer"]["value"] == "Lange ventetider på beskrivelser."
    assert items["need.simpler_solution"]["answer"]["value"] == "na"
    assert items["need.simpler_solution"]["answer"]["not_applicable"] is True
    assert items["requirements.contract_value"]["answer"]["value"] == "1250000.5"
    assert items["legal.dpia"]["applicable"] is False
    signed = items["requirements.specification"]["signoff"]
    assert (signed["user"]["username"], signed["role"]) == ("procurement", "procurement")
    evidence = Evidence.objects.get(project=project)
    assert [e["sha256"] for e in data["evidence"]] == [evidence.sha256]
    assert items["requirements.specification"]["answer"]["evidence"]["sha256"] == evidence.sha256
    assert [t["action"] for t in data["transitions"]] == [
        "approve",
        "approve",
        "return_to",
        "approve",
        "stop",
        "reopen",
    ]
    assert data["transitions"][0]["gate_question"] == "Er behovet klart?"
    assert data["transitions"][2]["comment"] == "Kravene skal skærpes."
    requirements = data["tools"]["requirements"]["requirements_list"]
    assert [r["number"] for r in requirements["requirements"]] == [1, 2, 3]
    assert requirements["requirements"][1]["weight"] == "40.00"
    assert requirements["valid"] is True
    assert {s["article"] for s in data["sources"]} == {"Art. 4", "Art. 28"}
    assert data["history"][0]["action"] == "created"


def test_the_schema_refuses_what_it_does_not_describe(case, rendered):
    _version, content = rendered
    data = dossier_json(content)
    data["stages"][0]["items"][0]["surprise"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema())


def test_item_keys_are_in_the_json_not_in_the_text_a_reader_sees(case, rendered):
    _version, content = rendered
    text = squeezed(pdf_text(content))
    data = dossier_json(content)
    keys = {item["key"] for stage in data["stages"] for item in stage["items"]}
    assert "need.problem" in keys and "legal.dpia" in keys
    assert [key for key in keys if key in text] == []
    # The evidence table names the item by its text instead.
    evidence = Evidence.objects.get(project=case.project)
    assert data["evidence"][0]["item"] == evidence.item.key
    with override("da"):
        assert squeezed(evidence.item.text) in text
