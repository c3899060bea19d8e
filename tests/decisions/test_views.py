"""The panels' endpoints and the business case editor: permissions, htmx and plain POSTs,
validation that writes nothing, and query counts."""

from datetime import date
from unittest import mock

import pytest
from django.utils import translation

from decisions import tool as decision_tools
from decisions.models import BusinessCase
from procurement.models import Action
from procurement.transitions import perform_transition
from tests.personas import answer

from .conftest import advance_to, answer_all
from .test_business_case import HAND
from .test_journey import HIGH_RISK_DEVICE, PLAIN_LEGAL, to_legal, to_tender

HTMX = {"HTTP_HX_REQUEST": "true"}


def form_data(case=HAND, **extra) -> dict[str, str]:
    """The editor's POST for a case in the command's input format (percent, Danish amounts)."""
    data = {
        "horizon_years": str(case["horizon_years"]),
        "rendered_horizon": str(case["horizon_years"]),
        "discount_rate": str(case["discount_rate"] * 100).replace(".", ","),
        "line_count": str(len(case["lines"])),
    }
    for index, line in enumerate(case["lines"]):
        data[f"line{index}_kind"] = line["kind"]
        data[f"line{index}_label"] = line["label"]
        data[f"line{index}_owner"] = line["owner"]
        for scenario in ("low", "expected", "high"):
            for year, value in enumerate(line[scenario]):
                data[f"line{index}_{scenario}_{year}"] = f"{value:,}".replace(",", ".")
    data.update(extra)
    return data


@pytest.fixture
def bc_team(dteam):
    """The team's project in the business case stage."""
    advance_to(dteam, "business_case")
    return dteam


def save_url(team) -> str:
    return f"/projects/{team.project.pk}/decisions/business-case/"


def panel_url(team, tool) -> str:
    return f"/projects/{team.project.pk}/decisions/{tool}/"


def post(client, team, user, data, **headers):
    client.force_login(user)
    return client.post(save_url(team), data, **headers)


# --- the stage page ------------------------------------------------------------------------------


def test_stage_page_shows_the_editor_to_editors_and_results_to_readers(client, bc_team):
    client.force_login(bc_team.clinician)
    page = client.get(f"/projects/{bc_team.project.pk}/").content.decode()
    assert 'id="bc-panel"' in page and 'id="bc-form"' in page
    assert 'name="line2_expected_4"' in page  # three starter lines over five years
    post(client, bc_team, bc_team.clinician, form_data(), **HTMX)
    client.force_login(bc_team.lawyer)
    page = client.get(f"/projects/{bc_team.project.pk}/").content.decode()
    assert 'id="bc-form"' not in page
    assert "488 kr." in page  # the high scenario's NPV, in Danish format
    assert "<title" in page and "bc-chart-desc" in page


def test_discount_rate_defaults_from_the_dated_data(client, bc_team):
    client.force_login(bc_team.consultant)
    page = client.get(f"/projects/{bc_team.project.pk}/").content.decode()
    assert 'name="discount_rate" value="3,5"' in page
    assert "Finansministeriet" in page


# --- permissions ---------------------------------------------------------------------------------


def test_get_on_the_save_view_is_405(client, bc_team):
    client.force_login(bc_team.clinician)
    assert client.get(save_url(bc_team)).status_code == 405


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("outsider", 404),
        ("foreigner", 404),
        ("lawyer", 403),
        ("it_architect", 403),
        ("ai_competence", 403),
        ("clinician", 200),
        ("consultant", 200),
        ("procurement", 200),
    ],
)
def test_who_may_save(client, bc_team, who, status):
    response = post(client, bc_team, getattr(bc_team, who), form_data(), **HTMX)
    assert response.status_code == status
    assert BusinessCase.objects.filter(project=bc_team.project).exists() is (status == 200)


def test_anonymous_is_sent_to_log_in(client, bc_team):
    response = client.post(save_url(bc_team), form_data())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not BusinessCase.objects.exists()


def test_no_saving_once_the_project_is_stopped(client, bc_team):
    perform_transition(
        project=bc_team.reload(), action=Action.STOPPED, by=bc_team.consultant, comment="Pause"
    )
    assert post(client, bc_team, bc_team.clinician, form_data(), **HTMX).status_code == 403
    assert not BusinessCase.objects.exists()


def test_a_pathway_without_the_tool_has_no_business_case(client, team):
    response = post(client, team, team.clinician, form_data(), **HTMX)
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("clinician", 200), ("lawyer", 200), ("outsider", 404), ("foreigner", 404)],
)
def test_panel_endpoint_is_for_members_only(client, bc_team, who, status):
    client.force_login(getattr(bc_team, who))
    for tool in ("ai_classification", "procurement_route", "business_case"):
        assert client.get(panel_url(bc_team, tool)).status_code == status


def test_panel_endpoint_unknown_tool(client, bc_team):
    client.force_login(bc_team.clinician)
    assert client.get(panel_url(bc_team, "nope")).status_code == 404


def test_panel_endpoint_tool_not_on_the_pathway(client, team):
    client.force_login(team.clinician)
    assert client.get(panel_url(team, "ai_classification")).status_code == 404


def test_panel_endpoint_is_get_only(client, bc_team):
    client.force_login(bc_team.clinician)
    assert client.post(panel_url(bc_team, "ai_classification")).status_code == 405


# --- the classification panel --------------------------------------------------------------------


def test_classification_panel_lists_what_is_missing_then_shows_the_result(client, dteam):
    to_legal(dteam)
    client.force_login(dteam.lawyer)
    with translation.override("en"):
        html = client.get(panel_url(dteam, "ai_classification"), HTTP_ACCEPT_LANGUAGE="en")
    html = html.content.decode()
    assert 'data-state="incomplete"' in html
    assert 'hx-trigger="answer-saved from:body"' in html
    assert 'data-item-key="legal.personal_data"' in html
    answer_all(dteam, PLAIN_LEGAL)
    html = client.get(panel_url(dteam, "ai_classification")).content.decode()
    assert 'data-category="high_risk"' in html
    assert 'data-duty="art26_logs"' in html
    # The citations in the page's language (Danish): the result keeps the English form.
    assert "MDR bilag VIII, regel 11" in html and "AI-forordningens art. 113" in html
    assert "Rule 11" not in html and "AI Act Art." not in html
    # today's law: the Annex I date as amended by Regulation (EU) 2026/1744, Danish format
    assert "2. august 2028" in html and "2026/1744" in html


def test_classification_panel_is_on_the_legal_stage_page(client, dteam):
    to_legal(dteam, HIGH_RISK_DEVICE)
    client.force_login(dteam.clinician)
    response = client.get(f"/projects/{dteam.project.pk}/")
    assert [p["name"] for p in response.context["tool_panels"]] == ["ai_classification"]
    assert 'id="ai-classification-panel"' in response.content.decode()
    reasons = [r.code for r in response.context["gate"]["reasons"]]
    assert "classification_incomplete" in reasons


# --- saving with htmx ----------------------------------------------------------------------------


def test_htmx_save_returns_results_status_and_the_gate(client, bc_team):
    response = post(client, bc_team, bc_team.clinician, form_data(), **HTMX)
    assert response.status_code == 200
    assert "HX-Retarget" not in response
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="bc-results">')
    assert 'hx-swap-oob="innerHTML:#bc-status"' in html
    assert 'id="gate-panel"' in html and 'hx-swap-oob="true"' in html
    assert "-232 kr." in html and "488 kr." in html
    case = BusinessCase.objects.get(project=bc_team.project)
    assert case.horizon_years == 3 and str(case.discount_rate) == "0.100000"
    assert case.lines[2]["owner"] == "Afsnit A" and case.lines[2]["high"] == ["100", "900", "900"]
    assert case.updated_by == bc_team.clinician
    # saved again with a change: a new revision
    data = form_data()
    data["line2_high_2"] = "1.000"
    post(client, bc_team, bc_team.consultant, data, **HTMX)
    case.refresh_from_db()
    assert case.revision == 2 and case.lines[2]["high"][2] == "1000"


@pytest.mark.parametrize(
    ("change", "field_id", "message"),
    [
        ({"line0_low_0": "-5"}, "bc_line0_low_0", "must not be negative"),
        ({"line0_low_0": "mange"}, "bc_line0_low_0", "Enter an amount in kroner"),
        ({"line1_low_0": "900"}, "bc_line1_low_0", "the low estimate must not exceed"),
        ({"line2_owner": ""}, "bc_line2_owner", "a benefit needs an owner"),
        ({"line0_kind": "gift"}, "bc_line0_kind", "Select a valid choice"),
        ({"discount_rate": ""}, "bc_discount_rate", "This field is required"),
        ({"discount_rate": "-1"}, "bc_discount_rate", "must not be negative"),
        ({"line1_label": ""}, "bc_line1_label", "give the line a name"),
    ],
)
def test_invalid_input_is_refused_with_a_clear_message_and_nothing_is_written(
    client, bc_team, change, field_id, message
):
    with translation.override("en"):
        response = post(
            client,
            bc_team,
            bc_team.clinician,
            form_data(**change),
            HTTP_ACCEPT_LANGUAGE="en",
            **HTMX,
        )
    assert response.status_code == 422
    html = response.content.decode()
    assert f'href="#{field_id}"' in html
    assert message in html
    assert not BusinessCase.objects.exists()


def test_untouched_lines_are_left_out(client, bc_team):
    data = form_data(line_count="4", line3_kind="benefit", line3_label="", line3_owner="")
    assert post(client, bc_team, bc_team.clinician, data, **HTMX).status_code == 200
    assert len(BusinessCase.objects.get().lines) == 3


def test_adding_a_line_redraws_the_editor(client, bc_team):
    response = post(client, bc_team, bc_team.clinician, form_data(add_line="running_cost"), **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#bc-panel" and response["HX-Reswap"] == "outerHTML"
    html = response.content.decode()
    assert 'name="line3_kind"' in html and 'name="line_count" value="4"' in html
    assert '<option value="running_cost" selected>' in html.split('name="line3_kind"')[1]


def test_removing_a_line_redraws_and_saves(client, bc_team):
    post(client, bc_team, bc_team.clinician, form_data(), **HTMX)
    response = post(client, bc_team, bc_team.clinician, form_data(line1_remove="on"), **HTMX)
    assert response["HX-Retarget"] == "#bc-panel"
    lines = BusinessCase.objects.get().lines
    assert [line["label"] for line in lines] == ["Opsætning", "Sparet tid"]


def test_changing_the_horizon_redraws_the_editor_with_the_new_years(client, bc_team):
    data = form_data(horizon_years="4")  # rendered with 3: year 3 is new, blank means 0
    response = post(client, bc_team, bc_team.clinician, data, **HTMX)
    assert response.status_code == 200 and response["HX-Retarget"] == "#bc-panel"
    assert 'name="line0_low_3"' in response.content.decode()
    case = BusinessCase.objects.get()
    assert case.horizon_years == 4 and case.lines[0]["low"] == ["900", "0", "0", "0"]


# --- saving without JavaScript -------------------------------------------------------------------


def test_plain_post_redirects_back_to_the_stage(client, bc_team):
    response = post(client, bc_team, bc_team.clinician, form_data())
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{bc_team.project.pk}/stages/business_case/#bc-panel"
    assert BusinessCase.objects.exists()


def test_plain_post_applies_add_and_remove(client, bc_team):
    data = form_data(line0_remove="on", add_line="benefit")
    response = post(client, bc_team, bc_team.clinician, data)
    assert response.status_code == 200  # the page again, with the editor's new shape
    html = response.content.decode()
    assert 'name="line_count" value="3"' in html and 'value="Opsætning"' not in html
    assert [line["label"] for line in BusinessCase.objects.get().lines] == ["Licens", "Sparet tid"]


def test_plain_invalid_post_shows_the_page_with_the_errors(client, bc_team):
    response = post(client, bc_team, bc_team.clinician, form_data(line0_low_0="-5"))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="bc-form"' in html and 'value="-5"' in html
    assert not BusinessCase.objects.exists()


# --- query counts --------------------------------------------------------------------------------


def test_query_counts_are_small_and_do_not_grow_with_lines(
    client, bc_team, django_assert_max_num_queries
):
    big = {**HAND, "lines": HAND["lines"] * 6}
    # Each save below changes the case, so each one writes and journals it.
    post(client, bc_team, bc_team.clinician, form_data(big), **HTMX)
    client.force_login(bc_team.clinician)
    # 9: one of them the person's organisation-wide roles, read once per request (two-factor).
    with django_assert_max_num_queries(9):
        client.get(panel_url(bc_team, "business_case"))
    with django_assert_max_num_queries(9):
        client.get(panel_url(bc_team, "ai_classification"))
    # 33: the person's organisation-wide roles (once per request) and the roles held above the
    # project's organisation (the gate) are read beside the team.
    with django_assert_max_num_queries(33) as small_save:
        post(client, bc_team, bc_team.clinician, form_data(), **HTMX)
    with django_assert_max_num_queries(len(small_save.captured_queries)):
        post(client, bc_team, bc_team.clinician, form_data(big), **HTMX)


def test_procurement_route_panel_on_the_tender_stage(client, dteam):
    to_tender(dteam)
    client.force_login(dteam.procurement)
    html = client.get(panel_url(dteam, "procurement_route")).content.decode()
    assert 'data-state="missing"' in html
    answer(dteam, "tender_operation.contract_value_dkk", "3350000", by=dteam.procurement)
    with mock.patch.object(decision_tools, "copenhagen_today", return_value=date(2025, 6, 1)):
        html = client.get(f"/projects/{dteam.project.pk}/").content.decode()
    assert 'id="procurement-route-panel"' in html and 'data-state="eu_procedure"' in html
    assert "1.644.638 kr." in html and "3.350.000 kr." in html and "kfst.dk" in html
    with mock.patch.object(decision_tools, "copenhagen_today", return_value=date(2028, 1, 1)):
        html = client.get(panel_url(dteam, "procurement_route")).content.decode()
    assert 'data-state="unknown"' in html and "1.644.638" not in html
