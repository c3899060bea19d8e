"""The journal as people see it: one response refreshing every gate-dependent fragment, the
return reason where people look, the history tab's filters, frozen stages on the web."""

import re

import pytest

from procurement.models import Action, HistoryEntry
from procurement.transitions import perform_transition, request_approval
from tests.personas import advance, answer, complete_need, move_to

HTMX = {"HTTP_HX_REQUEST": "true"}


def save(client, team, key, data, user=None):
    client.force_login(user or team.clinician)
    item = team.item(key)
    url = f"/projects/{team.project.pk}/items/{item.pk}/answer/"
    return client.post(
        url,
        {f"item{item.pk}-{k}": v for k, v in data.items()}
        | {"seen_state": data.get("seen_state", team.reload().state)},
        **HTMX,
    )


def oob_ids(html: str) -> set[str]:
    return set(re.findall(r'id="([^"]+)"[^>]*hx-swap-oob="true"', html))


def test_a_save_answers_with_every_gate_fragment_and_no_controls(client, team):
    item = team.item("need.problem")
    response = save(client, team, "need.problem", {"value": "Lange ventetider."})
    html = response.content.decode()
    assert response.status_code == 200
    assert {
        f"item-{item.pk}-badges",
        f"item-{item.pk}-status",
        f"item-{item.pk}-errors",
        "gate-panel",
        "decision-panel",
        "project-status",
        "journey",
    } <= oob_ids(html)
    # The form a person is typing in is never replaced.
    assert "<textarea" not in html and '<input type="radio"' not in html
    # One gate result: the panel says everything is in place, and the request button is enabled.
    assert 'data-code="required_unanswered"' not in html
    button = re.search(r"<button[^>]*>\s*Bed om godkendelse", html)
    assert button and "disabled" not in button.group(0)


def test_a_refused_save_says_why_in_place(client, team):
    complete_need(team)
    advance(team)
    response = save(client, team, "need.problem", {"value": "Ændret.", "seen_state": "need"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Projektet er flyttet til en anden fase, siden du åbnede siden" in html
    assert f'id="item-{team.item("need.problem").pk}-errors"' in html
    assert not HistoryEntry.objects.filter(
        project=team.project, action=Action.ANSWERED, after__value="Ændret."
    ).exists()


def test_an_answer_of_an_approved_stage_is_refused_on_the_web(client, team):
    complete_need(team)
    advance(team)
    count = HistoryEntry.objects.filter(project=team.project).count()
    response = save(client, team, "need.problem", {"value": "Ændret."})
    assert response.status_code == 422
    assert "Fasen er godkendt. Send projektet tilbage til fasen" in response.content.decode()
    assert HistoryEntry.objects.filter(project=team.project).count() == count


def test_the_return_reason_is_shown_on_the_stage_and_the_owners_dashboard(client, team):
    complete_need(team)
    advance(team)
    perform_transition(
        project=team.reload(),
        action=Action.RETURNED,
        by=team.consultant,
        target="need",
        comment="Beskriv patientgruppen præcist.",
    )
    client.force_login(team.clinician)
    page = client.get(f"/projects/{team.project.pk}/").content.decode()
    notice = re.search(
        r'<div class="alert[^"]*" role="status" id="return-notice">(.*?)</div>', page, re.S
    )
    assert notice, "the return notice is missing"
    assert "Sendt tilbage af Consultant" in notice.group(1)
    assert "Beskriv patientgruppen præcist." in notice.group(1)
    dashboard = client.get("/").content.decode()
    awaiting = dashboard.split('id="awaits-heading"')[1].split("</section>")[0]
    assert "Testprojekt" in awaiting and "Beskriv patientgruppen præcist." in awaiting
    # Approved again: the notice goes.
    request_approval(project=team.reload(), by=team.clinician)
    perform_transition(
        project=team.reload(), action=Action.APPROVED, by=team.consultant, comment="ok"
    )
    assert 'id="return-notice"' not in client.get(f"/projects/{team.project.pk}/").content.decode()
    assert "Beskriv patientgruppen" not in client.get("/").content.decode()


def test_a_stop_reason_is_shown_to_the_owner(client, team):
    perform_transition(
        project=team.reload(), action=Action.STOPPED, by=team.consultant, comment="Ingen budget."
    )
    client.force_login(team.clinician)
    page = client.get(f"/projects/{team.project.pk}/").content.decode()
    assert 'id="return-notice"' in page and "Ingen budget." in page
    assert "Ingen budget." in client.get("/").content.decode()
    # Only the owner has it under "Venter på dig" (the owner acts on it).
    client.force_login(team.lawyer)
    dashboard = client.get("/").content.decode()
    awaiting = dashboard.split('id="awaits-heading"')[1].split("</section>")[0]
    assert "Ingen budget." not in awaiting


def test_history_shows_old_and_new_values_and_filters(client, team):
    answer(team, "need.problem", "Første udgave.")
    answer(team, "need.problem", "Anden udgave.")
    move_to(team, "legal")
    answer(team, "legal.personal_data", "yes", by=team.lawyer)
    client.force_login(team.procurement)  # a reader sees the history too
    url = f"/projects/{team.project.pk}/history/"
    html = client.get(url).content.decode()
    assert "Første udgave." in html and "Anden udgave." in html
    assert re.search(r"Første udgave\.</span> → <span[^>]*>Anden udgave\.", html)
    assert "ubrudt kæde" in html
    only_legal = client.get(url, {"stage": "legal", "kind": "answer"}).content.decode()
    assert "Ja" in only_legal and "Første udgave." not in only_legal
    by_lawyer = client.get(url, {"person": team.lawyer.pk}).content.decode()
    assert "Anden udgave." not in by_lawyer
    # Nonsense filters are ignored, not errors.
    assert client.get(url, {"person": "x", "kind": "nope", "stage": "<b>"}).status_code == 200
    client.force_login(team.outsider)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("kind", ["team", "signoff", "transition"])
def test_history_kind_filter_keeps_only_that_kind(client, team, kind):
    complete_need(team)
    advance(team)
    client.force_login(team.clinician)
    html = client.get(f"/projects/{team.project.pk}/history/", {"kind": kind}).content.decode()
    actions = set(re.findall(r'data-action="([a-z_]+)"', html))
    from procurement.models import KIND_OF_ACTION

    assert all(KIND_OF_ACTION[a] == kind for a in actions)
