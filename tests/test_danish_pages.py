"""The Danish interface reads as Danish: the main pages of the demo, as Danish users see them,
contain none of the English legal and statistical terms that used to leak into them (citations
such as "AI Act Art. 26(1)", "MDR Annex VIII, Rule 11", English source titles, the requirements
document's "Verified by"). English pages show dates day-month-year with the 24-hour clock."""

import html
import io
import re
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from checklists.loading import load_pathways
from checklists.models import Pathway
from decisions import classification
from decisions.reasoning import cite
from dossier.models import Requirement
from procurement.models import Project
from tests.module_data import module_data

# English terms that have no place in the Danish interface. Each is a regular expression matched
# against the text a reader sees (tags, attributes and scripts removed), case-sensitive so that a
# Danish "art. 26, stk. 1" or "bilag" does not count. The Danish forms: "AI-forordningens art. 26,
# stk. 1", "MDR bilag VIII, regel 11", "forslag", "Overordnet kalibrering", "Kontrolleres ved".
ENGLISH_TERMS = (
    r"\bAnnex\b",  # "bilag"
    r"\bArts?\. \d+\(",  # English paragraph form "Art. 26(1)": Danish "art. 26, stk. 1"
    r"\bArts\b",
    r"\bRule \d",  # "regel 11"
    r"\bAI Act\b",  # "AI-forordningen"
    r"Calibration",  # "kalibrering"
    r"\bproposal\b",  # "forslag"
    r"Commission\b",  # "Kommissionen"
    r"\bRegulation \(EU\)",  # "forordning (EU)"
    r"Verified by",  # "Kontrolleres ved"
    r"business case model",  # "business case-model"
    r"\bas used in\b",
    r"EDPB criteria",  # "EDPB's kriterier"
    r"\b(January|February|March|April|June|July|August|September|October|November|December)\b",
    r"gate-spørgsmål",  # an anglicism: "beslutningsspørgsmål"
)
# Phrases in published pathway versions, which are never edited in place: a new pathway version
# must change them. Listed exactly, so that any other occurrence of a term still fails. Version 5
# of the default pathway changed the last two ("AI Act" as a source's article, "gate-spørgsmål").
IN_PUBLISHED_PATHWAYS: tuple[str, ...] = ()

EVIDENCE = Path(tempfile.mkdtemp(prefix="danish-pages-evidence-"))


def seed():
    load_pathways()
    call_command("seed_demo", "--force")


demo = module_data(seed, snapshot="demo", DEBUG=False, EVIDENCE_ROOT=EVIDENCE)


@pytest.fixture(autouse=True)
def evidence_root(settings):
    settings.EVIDENCE_ROOT = EVIDENCE
    return EVIDENCE


def visible_text(response) -> str:
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return " ".join(html.unescape(body).split())


def english_terms_in(text: str) -> list[str]:
    for phrase in IN_PUBLISHED_PATHWAYS:
        text = text.replace(phrase, "")
    found = []
    for term in ENGLISH_TERMS:
        for match in re.finditer(term, text):
            found.append(" ".join(text[max(0, match.start() - 60) : match.end() + 40].split()))
    return found


def project(word: str) -> Project:
    return Project.objects.get(title__contains=word)


def danish_pages() -> list[tuple[str, str]]:
    """(user, url) for the pages a Danish team reads most."""
    pages = [("kliniker", reverse("dashboard")), ("kliniker", reverse("project_create"))]
    pages += [("jurist", reverse("guide", args=[slug])) for slug in ("indkoeb-ce-maerket-ai",)]
    pages.append(("jurist", reverse("guide_index")))
    for case in Project.objects.select_related("owner"):
        # Region Midtjylland's project is read by that region's consultant (organisation-wide).
        reader = "midtkonsulent" if case.owner.username == "midtkliniker" else "konsulent"
        pages.append((reader, reverse("project_detail", args=[case.pk])))
        pages.append((reader, reverse("dossier:page", args=[case.pk])))
    pages.append(("regionskonsulent", reverse("dashboard")))
    pages.append(("konsulent", reverse("project_team", args=[project("PEACE").pk])))
    scribe, peace, telekol = project("Ambient"), project("PEACE"), project("TeleKOL")
    stages = [
        (peace, "legal"),  # the classification's missing questions
        (telekol, "legal"),  # the AI Act and MDR classification, high-risk
        (scribe, "legal"),
        (scribe, "business_case"),  # the business case and its discount rate's source
        (scribe, "tender_operation"),  # the procurement route and the threshold's source
        (scribe, "retrospective_validation"),  # validation results and plots
        (scribe, "prospective_validation"),
        (telekol, "retrospective_validation"),  # ROC and calibration of a risk model
        (telekol, "monitoring"),
    ]
    pages += [
        ("jurist", reverse("project_stage", args=[case.pk, key]))
        for case, key in stages
        if case.stage(key) is not None
    ]
    return pages


def test_the_main_danish_pages_contain_no_english_legal_or_statistical_terms(db, demo, client):
    leaks = {}
    for username, url in danish_pages():
        client.force_login(User.objects.get(username=username))
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="da")
        assert response.status_code == 200, url
        found = english_terms_in(visible_text(response))
        if found:
            leaks[url] = found
    assert leaks == {}


def test_the_classification_cites_the_law_in_danish_form(db, demo, client):
    client.force_login(User.objects.get(username="jurist"))
    telekol = project("TeleKOL")  # a class IIa, high-risk device: the longest explanation
    url = reverse("project_stage", args=[telekol.pk, "legal"])
    text = visible_text(client.get(url, HTTP_ACCEPT_LANGUAGE="da"))
    assert "MDR bilag VIII, regel 11" in text
    assert "AI-forordningens art. 26, stk. 1" in text
    assert "AI-forordningens art. 27" in text
    client.cookies.load({"django_language": "en"})
    english = visible_text(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
    assert "MDR Annex VIII, Rule 11" in english
    assert "AI Act Art. 26(1)" in english


def test_every_citation_of_the_decision_helpers_has_a_danish_form():
    """Every citation the classification writes (marked with gettext_noop) is translated."""
    source = Path(classification.__file__).read_text(encoding="utf-8")
    citations = set(re.findall(r'gettext_noop\(\s*"([^"]+)"\s*\)', source))
    assert len(citations) > 20
    with translation.override("da"):
        untranslated = {c for c in citations if cite(c) == c}
        assert untranslated == set()
        assert [c for c in citations if english_terms_in(cite(c))] == []
    with translation.override("en"):
        assert all(cite(c) == c for c in citations)


def test_the_list_finds_what_it_is_meant_to_find():
    """The check itself: each term the issue named is caught, the Danish forms are not."""
    assert english_terms_in("Kilde: AI Act Art. 26(1) og MDR Annex VIII, Rule 11.")
    assert english_terms_in("Commission proposal of 19 November 2025")
    assert english_terms_in("Calibration-in-the-large 0,02")
    assert english_terms_in("Verified by: test")
    assert english_terms_in("Fasen slutter med et gate-spørgsmål.")  # not the listed phrase
    danish = (
        "AI-forordningens art. 26, stk. 1; MDR bilag VIII, regel 11; Kommissionens forslag af "
        "19. november 2025; overordnet kalibrering; Kontrolleres ved: test; Art. 6, stk. 1"
    )
    assert english_terms_in(danish) == []


def test_the_requirements_document_is_danish_for_a_danish_user(db, demo, client):
    from docx import Document

    with_verification = Requirement.objects.exclude(verification="").select_related("project")
    case = with_verification.first().project
    client.force_login(case.owner)
    response = client.get(
        reverse("dossier:requirements_docx", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="da"
    )
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "Verified by" not in text
    assert text.count("Kontrolleres ved:") == with_verification.filter(project=case).count()


def test_english_dates_are_day_month_year_with_the_24_hour_clock(db, demo, client):
    client.force_login(User.objects.get(username="konsulent"))
    client.cookies.load({"django_language": "en"})
    scribe = project("Ambient")
    text = visible_text(
        client.get(reverse("project_stage", args=[scribe.pk, "need"]), HTTP_ACCEPT_LANGUAGE="en")
    )
    assert re.search(r"\b\d{2}/\d{2}/\d{4} \d{2}:\d{2}\b", text)  # 02/12/2026 19:13
    assert not re.search(r"\d(:\d\d)? ?[ap]\.m\.", text)
    history = visible_text(
        client.get(reverse("project_history", args=[scribe.pk]), HTTP_ACCEPT_LANGUAGE="en")
    )
    assert not re.search(r"\d(:\d\d)? ?[ap]\.m\.", history)


def test_the_new_project_form_starts_on_the_full_pathway(db, demo, client):
    """The form selects the newest full procurement pathway, explains each pathway in one
    sentence with its number of stages, and shows no version numbers."""
    client.force_login(User.objects.get(username="kliniker"))
    response = client.get(reverse("project_create"), HTTP_ACCEPT_LANGUAGE="da")
    full = Pathway.latest("indkoeb-ce-maerket-ai")
    fast = Pathway.latest("fast-track-validering")
    form = response.context["form"]
    assert form["pathway"].value() == full.pk
    text = visible_text(response)
    assert "(v" not in text and not re.search(r"\bv\d\b", text)
    assert f"{full.stages.count()} faser." in text and f"{fast.stages.count()} faser." in text
    options = {o["radio"].data["value"].value: o["summary"] for o in form.pathway_options()}
    assert options[full.pk].startswith("Standardforløbet for indkøb")
    assert options[fast.pk].startswith("Et kort forløb")
    assert all(summary.count(". ") == 1 for summary in options.values())  # one sentence + count


def test_the_project_header_and_the_guide_index_show_no_version_numbers(db, demo, client):
    """Versions are developer language (issue 19): the pathway is named, not numbered."""
    client.force_login(User.objects.get(username="kliniker"))
    pages = [reverse("guide_index")] + [
        reverse("project_detail", args=[project.pk]) for project in Project.objects.all()
    ]
    for path in pages:
        text = visible_text(client.get(path, HTTP_ACCEPT_LANGUAGE="da"))
        assert not re.search(r"\(v\d+\)", text), path
