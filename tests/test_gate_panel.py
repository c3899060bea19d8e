"""The panel "What is missing?" (issue 19): one concise list grouped by who must act, each reason
once and each item once, as links to the item; the viewed stage's own status; the decision panel
says the checklist's state in one line instead of repeating the list."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from checklists.models import Pathway
from procurement.project_page import SHOWN_ITEMS
from tests.module_data import module_data
from tests.personas import advance, complete_need, make_team

DEFAULT = "indkoeb-ce-maerket-ai"


def _load():
    call_command("load_pathways", verbosity=0)


shipped = module_data(_load)


def section(body: str, element_id: str) -> str:
    match = re.search(rf'<(section|div) id="{element_id}".*?</\1>', body, re.S)
    assert match, element_id
    return match.group(0)


@pytest.fixture
def shipped_team(db, shipped):
    return make_team(Pathway.latest(DEFAULT))


def legal_page(client, team, user):
    client.force_login(user)
    url = reverse("project_stage", args=[team.project.pk, "legal"])
    return client.get(url, HTTP_ACCEPT_LANGUAGE="da")


def test_each_item_is_listed_once_and_links_to_its_place(client, shipped_team):
    team = shipped_team
    response = legal_page(client, team, team.lawyer)
    panel = section(response.content.decode(), "gate-panel")
    legal = team.project.pathway.stages.get(key="legal")
    stage_url = reverse("project_stage", args=[team.project.pk, "legal"])
    links = re.findall(rf'href="{re.escape(stage_url)}#item-(\d+)"', panel)
    assert links, "the items link to their place on the stage's page"
    assert len(links) == len(set(links)), "an item is listed twice"
    on_page = {str(pk) for pk in legal.items.values_list("pk", flat=True)}
    assert set(links) <= on_page
    # The classification's questions are unanswered items too: the panel says so once.
    groups = response.context["stage_gate"]["groups"]
    entries = [entry for group in groups for entry in group["entries"]]
    classification = [e for e in entries if e["code"] == "classification_incomplete"]
    assert len(classification) == 1
    texts = [item["text"] for e in entries for item in e["shown"] + e["more"]]
    assert len(texts) == len(set(texts))
    # The one classification question outside this stage (the software function is asked when
    # the requirements are set) is listed, without a link to this stage.
    assert [item["href"] for item in classification[0]["shown"]] == [""]


def test_reasons_are_grouped_by_the_role_that_must_act(client, shipped_team):
    from checklists.roles import Role

    team = shipped_team
    client.force_login(team.clinician)
    response = client.get(reverse("project_detail", args=[team.project.pk]))
    groups = response.context["gate"]["groups"]
    roles = [group["role"] for group in groups]
    assert len(roles) >= 2, "the need stage asks the clinician and the innovation consultant"
    assert roles == sorted(roles, key=Role.values.index), "in the roles' order, one group each"
    assert len(roles) == len(set(roles))
    # On the legal stage the classification's reason belongs to the lawyer, with the lawyer's
    # unanswered items: one heading, two reasons.
    response = legal_page(client, team, team.lawyer)
    (lawyer,) = [g for g in response.context["stage_gate"]["groups"] if g["role"] == "lawyer"]
    assert [e["code"] for e in lawyer["entries"]] == [
        "required_unanswered",
        "classification_incomplete",
    ]
    assert lawyer["people"] == ("Lawyer",)
    body = section(response.content.decode(), "gate-panel")
    assert "Jurist" in body and "(jurist)" not in body, "the role is the heading, not repeated"


def test_items_beyond_the_first_few_are_folded_away(client, shipped_team):
    team = shipped_team
    response = legal_page(client, team, team.lawyer)
    entry = next(
        entry
        for group in response.context["stage_gate"]["groups"]
        for entry in group["entries"]
        if entry["code"] == "required_unanswered"
    )
    assert len(entry["shown"]) == SHOWN_ITEMS and entry["more"]
    panel = section(response.content.decode(), "gate-panel")
    folded = re.search(r'<details class="small gate-more">(.*?)</details>', panel, re.S).group(1)
    assert f"Vis {len(entry['more'])} mere" in folded
    for item in entry["more"]:
        assert item["href"] in folded


def test_a_later_stage_shows_its_own_status_and_says_it_is_not_the_current(client, shipped_team):
    team = shipped_team
    response = legal_page(client, team, team.lawyer)
    panel = section(response.content.decode(), "gate-panel")
    assert "data-other-stage" in panel
    assert "Du ser fase 7: Gennemfør juridisk vurdering." in panel
    assert "Det er ikke den nuværende fase; projektet er i fase 1: Afklar behov og viden." in panel
    assert "Denne fase kommer senere." in panel
    # The journey's badge and the decisions still judge the current stage.
    assert response.context["gate"]["reasons"] != response.context["stage_gate"]["reasons"]
    need_keys = {key for r in response.context["gate"]["reasons"] for key in r.item_keys} | {
        "need.problem_statement"
    }
    assert all(key.startswith("need.") for key in need_keys)


def test_the_current_stage_panel_is_not_marked_as_another_stage(client, shipped_team):
    client.force_login(shipped_team.clinician)
    response = client.get(reverse("project_detail", args=[shipped_team.project.pk]))
    assert response.context["stage_gate"] is None
    assert "data-other-stage" not in section(response.content.decode(), "gate-panel")


def test_an_approved_stage_says_it_was_approved(client, team):
    complete_need(team)
    advance(team)
    client.force_login(team.clinician)
    response = client.get(reverse("project_stage", args=[team.project.pk, "need"]))
    panel = section(response.content.decode(), "gate-panel")
    assert "Denne fase er godkendt tidligere" in panel
    assert "data-code" not in panel, "nothing is missing in an approved stage"


def test_the_decision_panel_says_the_checklist_state_once(client, shipped_team):
    team = shipped_team
    client.force_login(team.consultant)
    response = client.get(reverse("project_detail", args=[team.project.pk]))
    body = response.content.decode()
    gate = section(body, "gate-panel")
    decisions = body[body.index('<div id="decision-panel"') :]
    approve = re.search(r'<ul[^>]*id="approve-reasons">(.*?)</ul>', decisions, re.S).group(1)
    codes = re.findall(r'data-code="([a-z_]+)"', approve)
    assert codes == ["checklist_incomplete", "not_requested"]
    assert 'href="#gate-panel"' in approve
    for item in response.context["gate"]["groups"][0]["entries"][0]["shown"]:
        assert item["text"][:40] in gate and item["text"][:40] not in decisions
