"""The market pages' wiring: 405 for GET on POST-only views, 404 for outsiders, 403 for those who
may see but not change, the happy paths, and the hidden-score rule in the HTML itself."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from market import services
from market.models import DialogueEntry, Score, Vendor
from tests.market.conftest import (
    add_requirements,
    add_vendors,
    evaluators,
    make_bidders,
    score_all,
    to_tender,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def tender(mteam):
    requirements = add_requirements(mteam)
    vendors = add_vendors(mteam)
    to_tender(mteam)
    vendors = make_bidders(mteam, vendors)
    people = evaluators(mteam)
    return mteam, requirements, vendors, people


def test_the_market_page_for_members_and_not_for_others(client, mteam):
    url = reverse("market:page", args=[mteam.project.pk])
    client.force_login(mteam.outsider)
    assert client.get(url).status_code == 404
    client.force_login(mteam.lawyer)
    response = client.get(url)
    assert response.status_code == 200
    assert reverse("market:vendor_add", args=[mteam.project.pk]) not in response.content.decode()
    client.force_login(mteam.procurement)
    assert reverse("market:vendor_add", args=[mteam.project.pk]) in client.get(url).content.decode()


def test_post_only_views_refuse_get(client, mteam):
    client.force_login(mteam.procurement)
    for name in ("vendor_add", "dialogue_add"):
        assert client.get(reverse(f"market:{name}", args=[mteam.project.pk])).status_code == 405
    assert (
        client.get(reverse("market:evaluation_finish", args=[mteam.project.pk])).status_code == 405
    )


def test_add_vendor_through_the_page(client, mteam):
    client.force_login(mteam.procurement)
    url = reverse("market:vendor_add", args=[mteam.project.pk])
    response = client.post(url, {"new-name": "Alfa", "new-cvr": "12345678", "new-contact": ""})
    assert response.status_code == 302 and not Vendor.objects.exists()
    response = client.post(
        url, {"new-name": "Alfa", "new-cvr": "29190909", "new-contact": "a@b.dk"}
    )
    assert response.status_code == 302
    assert Vendor.objects.get().cvr == "29190909"
    client.force_login(mteam.lawyer)
    assert client.post(url, {"new-name": "Beta"}).status_code == 403
    assert Vendor.objects.count() == 1


def test_question_and_published_answer_through_the_page(client, mteam):
    alfa, beta, gamma = add_vendors(mteam)
    client.force_login(mteam.procurement)
    response = client.post(
        reverse("market:dialogue_add", args=[mteam.project.pk]),
        {
            "dialogue-kind": "question",
            "dialogue-vendor": alfa.pk,
            "dialogue-occurred_on": "2026-11-03",
            "dialogue-title": "Hosting",
            "dialogue-text": "EU-sky?",
        },
    )
    assert response.status_code == 302
    entry = DialogueEntry.objects.get()
    client.post(
        reverse("market:question_answer", args=[mteam.project.pk, entry.pk]),
        {"answer-answer": "Ja."},
    )
    assert entry.disclosures.count() == 3
    page = client.get(reverse("market:page", args=[mteam.project.pk])).content.decode()
    assert "Beta Health A/S (" in page  # the log says who got it and when


def test_another_evaluators_score_is_not_in_the_html_before_everyone_has_scored(client, tender):
    team, requirements, vendors, people = tender
    first, second, third = people
    services.save_score(
        vendor=vendors[0],
        requirement=requirements["price"],
        by=first,
        value=Decimal("7.25"),
        justification="FØRSTE-BEGRUNDELSE",
    )
    url = reverse("market:evaluation", args=[team.project.pk])
    for viewer in (second, team.consultant, team.lawyer, team.admin):
        client.force_login(viewer)
        html = client.get(url).content.decode()
        assert "FØRSTE-BEGRUNDELSE" not in html, viewer
        assert "7.25" not in html and "7,25" not in html, viewer
    client.force_login(first)
    assert "FØRSTE-BEGRUNDELSE" in client.get(url).content.decode()
    # the report and the dossier data follow the same rule
    report = client.get(reverse("market:evaluation_report", args=[team.project.pk]))
    assert report.status_code == 200
    import io

    from docx import Document

    text = "\n".join(
        cell.text
        for table in Document(io.BytesIO(report.content)).tables
        for row in table.rows
        for cell in row.cells
    )
    assert "FØRSTE-BEGRUNDELSE" not in text


def test_scores_revealed_to_everyone_once_all_have_scored(client, tender):
    team, requirements, vendors, people = tender
    score_all(team, vendors, requirements, people)
    client.force_login(team.lawyer)
    html = client.get(reverse("market:evaluation", args=[team.project.pk])).content.decode()
    assert "it_architect om Alfa Medical ApS" in html


def test_score_through_the_page(client, tender):
    team, requirements, vendors, people = tender
    url = reverse(
        "market:score_save", args=[team.project.pk, vendors[0].pk, requirements["price"].pk]
    )
    client.force_login(team.lawyer)
    assert client.post(url, {"score-value": "7", "score-justification": "x"}).status_code == 403
    client.force_login(team.it_architect)
    response = client.post(url, {"score-value": "7,5", "score-justification": "God pris."})
    assert response.status_code == 302
    score = Score.objects.get()
    assert score.value == Decimal("7.5") and score.evaluator == team.it_architect
    response = client.post(url, {"score-value": "12", "score-justification": "x"}, follow=True)
    assert Score.objects.get().value == Decimal("7.5")
    with translation.override("da"):  # the page's language
        expected = gettext(services.OUT_OF_SCALE) % {"low": 0, "high": 10}
    assert expected in response.content.decode()


def test_outsider_gets_404_on_every_evaluation_view(client, tender):
    team, requirements, vendors, people = tender
    client.force_login(team.outsider)
    pk = team.project.pk
    pair = [pk, vendors[0].pk, requirements["price"].pk]
    urls = [
        (reverse("market:evaluation", args=[pk]), "get"),
        (reverse("market:evaluation_report", args=[pk]), "get"),
        (reverse("market:score_save", args=pair), "post"),
        (reverse("market:consensus_set", args=pair), "post"),
        (reverse("market:evaluation_finish", args=[pk]), "post"),
        (reverse("market:questionnaire_xlsx", args=[pk]), "get"),
    ]
    for url, method in urls:
        assert getattr(client, method)(url).status_code == 404, url


def test_downloads(client, tender):
    team, requirements, vendors, people = tender
    client.force_login(team.lawyer)
    for name in ("questionnaire_xlsx", "questionnaire_docx", "model_card_export"):
        response = client.get(reverse(f"market:{name}", args=[team.project.pk]))
        assert response.status_code == 200, name
        assert response.content


def test_dialogue_stage_panel_on_the_project_page(client, mteam):
    add_vendors(mteam)
    services.record_dialogue(
        project=mteam.reload(),
        by=mteam.procurement,
        kind="question",
        vendor=Vendor.objects.first(),
        occurred_on=date(2026, 11, 3),
        title="Hosting",
        text="?",
    )
    client.force_login(mteam.clinician)
    html = client.get(reverse("project_detail", args=[mteam.project.pk])).content.decode()
    assert 'id="tool-market_dialogue"' in html and "market_questions_open" in html


def test_the_tender_stage_shows_the_evaluation_panel_with_its_gate_reason(client, tender):
    from tests.market.conftest import answer_procedure

    team, requirements, vendors, people = tender
    answer_procedure(team, "eu_tender")
    client.force_login(team.it_architect)
    html = client.get(reverse("project_detail", args=[team.project.pk])).content.decode()
    assert 'id="tool-offer_evaluation"' in html
    assert "market_evaluation_unfinished" in html
    assert reverse("market:evaluation", args=[team.project.pk]) in html


def test_minimum_check_through_the_page_and_shown_as_set(client, tender):
    from market.models import MinimumCheck

    team, requirements, vendors, people = tender
    url = reverse(
        "market:minimum_set", args=[team.project.pk, vendors[1].pk, requirements["min_gdpr"].pk]
    )
    client.force_login(team.clinician)
    assert client.post(url, {"minimum-met": "no", "minimum-note": "x"}).status_code == 403
    client.force_login(team.procurement)
    client.post(url, {"minimum-met": "no", "minimum-note": ""})  # a failed check needs a note
    assert not MinimumCheck.objects.exists()
    client.post(url, {"minimum-met": "no", "minimum-note": "Data i USA."})
    check = MinimumCheck.objects.get()
    assert not check.met and check.note == "Data i USA."
    html = client.get(reverse("market:evaluation", args=[team.project.pk])).content.decode()
    assert 'data-check="not_met"' in html and 'value="no" selected' in html
