"""Every kind of "what now" sentence, for the person it is meant for (gates.next_step)."""

import pytest
from django.utils import translation

from procurement import gates
from procurement.gates import load_stage_status, next_step
from procurement.models import Action, Membership
from procurement.transitions import perform_transition, request_approval
from tests.personas import answer, complete_legal, complete_need, move_to, pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def danish():
    with translation.override("da"):
        yield


def step(team, user):
    project = team.reload()
    return next_step(project, user, load_stage_status(project))


def test_answer_your_items(team):
    result = step(team, team.clinician)
    assert result.code == gates.NEXT_ANSWER
    assert result.message == "Besvar 1 obligatorisk punkt: “Beskriv problemet”"


def test_ask_for_approval_now(team):
    complete_need(team)
    result = step(team, team.clinician)
    assert result.code == gates.NEXT_REQUEST_APPROVAL
    assert result.message == "Bed om godkendelse nu – alle obligatoriske punkter er besvaret."


def test_a_member_who_may_not_ask_waits_for_the_owner(team):
    complete_need(team)
    result = step(team, team.lawyer)
    assert result.code == gates.NEXT_WAIT_FOR_REQUEST
    assert "Clinician" in result.message and result.message.startswith("Intet at gøre for dig")


def test_approve_the_stage_when_asked(team):
    complete_need(team)
    request_approval(project=team.reload(), by=team.clinician)
    result = step(team, team.consultant)
    assert result.code == gates.NEXT_APPROVE
    assert result.message == "Godkend fasen – Clinician har bedt om det."
    waiting = step(team, team.clinician)
    assert waiting.code == gates.NEXT_WAIT_FOR_APPROVAL
    assert "innovationskonsulent" in waiting.message


def test_the_consultant_who_asked_waits_for_another(team):
    complete_need(team)
    request_approval(project=team.reload(), by=team.consultant)
    assert step(team, team.consultant).code == gates.NEXT_WAIT_FOR_APPROVAL
    assert step(team, team.consultant2).code == gates.NEXT_APPROVE


def test_waiting_for_the_lawyers_sign_off(team):
    move_to(team, "legal")
    answer(team, "legal.personal_data", "yes", by=team.lawyer)
    # The owner answers; the lawyer's sign-off is the second pair of eyes still missing.
    answer(team, "legal.dpia", by=team.clinician, upload=pdf_upload())
    answer(team, "legal.hosting", "eu_cloud", by=team.it_architect)
    lawyer = step(team, team.lawyer)
    assert lawyer.code == gates.NEXT_SIGN_OFF
    assert lawyer.message.startswith("Giv din underskrift på 1 punkt")
    others = step(team, team.clinician)
    assert others.code == gates.NEXT_WAIT_FOR_OTHERS
    assert others.message == "Afventer underskrift fra jurist Lawyer på 1 punkt."


def test_nothing_to_do_waiting_for_a_role(team):
    move_to(team, "legal")
    result = step(team, team.clinician)
    assert result.code == gates.NEXT_WAIT_FOR_OTHERS
    assert result.message == "Intet at gøre for dig – venter på jurist Lawyer."


def test_returned_with_the_reason(team):
    move_to(team, "legal")
    perform_transition(
        project=team.reload(), action=Action.RETURNED, by=team.consultant,
        comment="Problemet er for vagt", target="need",
    )  # fmt: skip
    result = step(team, team.clinician)
    assert result.code == gates.NEXT_RETURNED
    assert result.message.startswith("Returneret af Consultant ")
    assert "Problemet er for vagt" in result.message


def test_stopped_with_the_reason(team):
    perform_transition(project=team.reload(), action=Action.STOPPED, by=team.consultant,
                       comment="Ingen finansiering")  # fmt: skip
    result = step(team, team.clinician)
    assert result.code == gates.NEXT_STOPPED and "Ingen finansiering" in result.message


def test_retired(team):
    move_to(team, "monitoring")
    perform_transition(project=team.reload(), action=Action.RETIRED, by=team.consultant,
                       comment="Udfaset")  # fmt: skip
    assert step(team, team.clinician).code == gates.NEXT_RETIRED


def test_owner_must_staff_a_missing_role(team):
    move_to(team, "legal")
    Membership.objects.filter(project=team.project, role="it_architect").delete()
    answer(team, "legal.personal_data", "yes", by=team.lawyer)
    answer(team, "legal.dpia", by=team.lawyer, upload=pdf_upload())  # signed by writing it
    result = step(team, team.clinician)
    assert result.code == gates.NEXT_STAFF_ROLE
    assert result.message == "Tilføj en IT-arkitekt til teamet – fasen kræver en."


def test_english(team):
    with translation.override("en"):
        assert step(team, team.clinician).message == (
            "Answer 1 required item: “Describe the problem”"
        )


def test_complete_legal_helper_still_moves_on(team):
    move_to(team, "legal")
    complete_legal(team)
    assert step(team, team.clinician).code == gates.NEXT_REQUEST_APPROVAL
