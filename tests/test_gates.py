"""Every reason the gate gives, and how answers, conditions and sign-offs feed it."""

import pytest
from django.contrib.auth.models import AnonymousUser

from procurement import gates, services
from procurement.gates import blocking_reasons, load_stage_status
from procurement.models import TRANSITIONS, Action, Membership
from procurement.transitions import perform_transition, request_approval
from tests.personas import answer, complete_legal, complete_need, move_to, pdf_upload


def reasons(team, action, user=None, target=None):
    project = team.reload()
    return blocking_reasons(
        project=project,
        action=action,
        status=load_stage_status(project),
        user=user,
        target=target,
    )


def codes(team, action, user=None, target=None):
    return [r.code for r in reasons(team, action, user, target)]


def test_required_unanswered_names_items_role_and_people(team):
    [reason] = reasons(team, Action.APPROVAL_REQUESTED)
    assert reason.code == gates.REQUIRED_UNANSWERED
    assert reason.role == "clinician"
    assert reason.items == ("Beskriv problemet",)
    assert reason.people == ("Clinician",)
    assert reason.message == "1 obligatorisk punkt mangler svar (kliniker)"


def test_reasons_in_english(team, settings):
    from django.utils import translation

    with translation.override("en"):
        [reason] = reasons(team, Action.APPROVAL_REQUESTED)
    assert reason.message == "1 required item unanswered (clinician)"
    assert reason.items == ("Describe the problem",)


def test_optional_items_do_not_block(team):
    complete_need(team)
    assert reasons(team, Action.APPROVAL_REQUESTED) == []


def test_blank_answer_does_not_count(team):
    answer(team, "need.problem", "   ")
    assert codes(team, Action.APPROVAL_REQUESTED) == [gates.REQUIRED_UNANSWERED]


def test_condition_hides_item_when_not_applicable(team):
    move_to(team, "legal")
    answer(team, "legal.personal_data", "no", by=team.lawyer)
    answer(team, "legal.hosting", "on_premises", by=team.clinician)
    services.sign_off(project=team.reload(), item=team.item("legal.hosting"), by=team.it_architect)
    assert reasons(team, Action.APPROVAL_REQUESTED) == []
    status = load_stage_status(team.reload())
    dpia = next(s for s in status.items if s.item.key == "legal.dpia")
    assert not dpia.applicable


def test_condition_makes_item_required_when_it_applies(team):
    move_to(team, "legal")
    answer(team, "legal.personal_data", "yes", by=team.lawyer)
    [unanswered, *_] = reasons(team, Action.APPROVAL_REQUESTED)
    assert unanswered.code == gates.REQUIRED_UNANSWERED
    assert "Konsekvensanalyse (DPIA)" in unanswered.items


def test_not_applicable_needs_justification_to_count(team):
    move_to(team, "legal")
    answer(team, "legal.personal_data", "na", by=team.lawyer, justification="")
    status = load_stage_status(team.reload())
    item = next(s for s in status.items if s.item.key == "legal.personal_data")
    assert not item.answered
    answer(team, "legal.personal_data", "na", by=team.lawyer, justification="Anonyme data.")
    status = load_stage_status(team.reload())
    item = next(s for s in status.items if s.item.key == "legal.personal_data")
    assert item.answered


def test_signoff_missing_names_the_role(team):
    move_to(team, "legal")
    answer(team, "legal.personal_data", "yes", by=team.lawyer)
    answer(team, "legal.dpia", by=team.clinician, upload=pdf_upload())
    answer(team, "legal.hosting", "eu_cloud", by=team.clinician)
    found = reasons(team, Action.APPROVAL_REQUESTED)
    assert [r.code for r in found] == [gates.SIGNOFF_MISSING, gates.SIGNOFF_MISSING]
    assert {r.message for r in found} == {
        "Afkvittering mangler: jurist",
        "Afkvittering mangler: IT-arkitekt",
    }


def test_changed_answer_needs_a_new_signoff(team):
    move_to(team, "legal")
    complete_legal(team)
    assert reasons(team, Action.APPROVAL_REQUESTED) == []
    answer(team, "legal.hosting", "on_premises", by=team.clinician)
    found = reasons(team, Action.APPROVAL_REQUESTED)
    assert [(r.code, r.role) for r in found] == [(gates.SIGNOFF_MISSING, "it_architect")]


def test_an_answer_by_the_signoff_role_counts_as_signed_by_them(team):
    move_to(team, "legal")
    complete_legal(team)
    answer(team, "legal.hosting", "on_premises", by=team.it_architect)
    assert reasons(team, Action.APPROVAL_REQUESTED) == []
    status = load_stage_status(team.reload())
    hosting = next(s for s in status.items if s.item.key == "legal.hosting")
    assert hosting.signoff.user == team.it_architect
    assert hosting.signoff.answer_revision == hosting.answer.revision


def test_saving_the_same_answer_keeps_the_signoff(team):
    move_to(team, "legal")
    complete_legal(team)
    answer(team, "legal.hosting", "eu_cloud", by=team.clinician)
    assert reasons(team, Action.APPROVAL_REQUESTED) == []


def test_role_not_staffed(team):
    move_to(team, "legal")
    Membership.objects.filter(project=team.project, role="lawyer").delete()
    assert gates.ROLE_NOT_STAFFED in codes(team, Action.APPROVAL_REQUESTED)
    found = [
        r for r in reasons(team, Action.APPROVAL_REQUESTED) if r.code == gates.ROLE_NOT_STAFFED
    ]
    assert found[0].role == "lawyer"


def test_already_requested(team):
    complete_need(team)
    request_approval(project=team.reload(), by=team.clinician)
    assert codes(team, Action.APPROVAL_REQUESTED) == [gates.ALREADY_REQUESTED]


def test_not_requested(team):
    complete_need(team)
    assert codes(team, Action.APPROVED) == [gates.NOT_REQUESTED]


def test_approve_blocked_by_checklist_even_when_requested(team):
    complete_need(team)
    request_approval(project=team.reload(), by=team.clinician)
    answer(team, "need.problem", "")
    assert codes(team, Action.APPROVED) == [gates.REQUIRED_UNANSWERED]


def test_no_next_stage_in_last_stage(team):
    move_to(team, "monitoring")
    answer(team, "monitoring.owner", "AI-enheden", by=team.ai_competence)
    assert codes(team, Action.APPROVAL_REQUESTED) == [gates.NO_NEXT_STAGE]
    assert gates.NO_NEXT_STAGE in codes(team, Action.APPROVED)


def test_first_stage_cannot_be_returned(team):
    assert codes(team, Action.RETURNED) == [gates.FIRST_STAGE]


def test_return_target_must_be_earlier(team):
    move_to(team, "legal")
    assert codes(team, Action.RETURNED, target="monitoring") == [gates.BAD_TARGET]
    assert codes(team, Action.RETURNED, target="need") == []


def test_not_active(team):
    perform_transition(
        project=team.reload(), action=Action.STOPPED, by=team.consultant, comment="x"
    )
    for action in (Action.APPROVAL_REQUESTED, Action.APPROVED, Action.RETURNED, Action.STOPPED):
        assert codes(team, action) == [gates.NOT_ACTIVE]


def test_not_stopped(team):
    assert codes(team, Action.REOPENED) == [gates.NOT_STOPPED]


def test_not_last_stage(team):
    assert codes(team, Action.RETIRED) == [gates.NOT_LAST_STAGE]


@pytest.mark.parametrize(
    "action", [Action.APPROVED, Action.RETURNED, Action.STOPPED, Action.REOPENED, Action.RETIRED]
)
@pytest.mark.parametrize(
    "person", ["clinician", "lawyer", "it_architect", "procurement", "ai_competence", "outsider"]
)
def test_only_consultants_decide(team, action, person):
    assert gates.ROLE_REQUIRED in codes(team, action, user=getattr(team, person))


def test_four_eyes(team):
    complete_need(team)
    request_approval(project=team.reload(), by=team.consultant)
    assert codes(team, Action.APPROVED, user=team.consultant) == [gates.FOUR_EYES]
    assert codes(team, Action.APPROVED, user=team.consultant2) == []


def test_request_by_owner_or_consultant_only(team):
    complete_need(team)
    assert codes(team, Action.APPROVAL_REQUESTED, user=team.lawyer) == [gates.ROLE_REQUIRED]
    assert codes(team, Action.APPROVAL_REQUESTED, user=team.clinician) == []
    assert codes(team, Action.APPROVAL_REQUESTED, user=team.consultant) == []


def test_anonymous(team):
    assert codes(team, Action.STOPPED, user=AnonymousUser()) == [gates.NOT_AUTHENTICATED]


def test_unknown_action(team):
    with pytest.raises(ValueError):
        reasons(team, "teleport")


def test_status_loads_in_fixed_queries(team, django_assert_num_queries):
    move_to(team, "legal")
    complete_legal(team)
    project = team.reload()
    project.stages  # noqa: B018 - the pathway's stages are loaded once per request anyway
    # memberships, the organisation's path, the organisation-wide roles on it, items, answer
    # values, answers, sign-offs, the latest return or stop
    with django_assert_num_queries(8):
        load_stage_status(project)
    # With the organisation loaded with the project (as every list and page does), one fewer.
    project = type(project).objects.select_related("organisation").get(pk=project.pk)
    project.stages  # noqa: B018
    with django_assert_num_queries(7):
        load_stage_status(project)


# --- available actions ----------------------------------------------------------------------


def actions_for(team, user):
    project = team.reload()
    return gates.available_actions(project, user, load_stage_status(project))


def offered(team, user):
    return [action for action, available in actions_for(team, user).items() if available.offered]


def test_available_actions_lists_every_action_with_the_gates_reasons(team):
    actions = actions_for(team, team.clinician)
    assert list(actions) == [Action.APPROVAL_REQUESTED, *TRANSITIONS]
    for action, available in actions.items():
        assert available.action == action
        assert available.reasons == reasons(team, action, team.clinician)


def test_the_owner_is_offered_only_the_request_blocked_by_the_checklist(team):
    request = actions_for(team, team.clinician)[Action.APPROVAL_REQUESTED]
    assert offered(team, team.clinician) == [Action.APPROVAL_REQUESTED]
    assert [r.code for r in request.reasons] == [gates.REQUIRED_UNANSWERED]
    assert not request.allowed and not request.refused
    complete_need(team)
    assert actions_for(team, team.clinician)[Action.APPROVAL_REQUESTED].allowed


def test_a_consultant_is_offered_the_decisions_of_an_active_first_stage(team):
    assert offered(team, team.consultant) == [
        Action.APPROVAL_REQUESTED,
        Action.APPROVED,
        Action.STOPPED,
    ]
    approve = actions_for(team, team.consultant)[Action.APPROVED]
    assert gates.NOT_REQUESTED in [r.code for r in approve.reasons]
    assert not approve.refused  # not yet, but theirs to decide


def test_others_are_offered_nothing_and_refused_the_decisions(team):
    for person in (team.lawyer, team.outsider):
        assert offered(team, person) == []
        assert actions_for(team, person)[Action.APPROVED].refused
    assert offered(team, AnonymousUser()) == []
    assert not actions_for(team, team.lawyer)[Action.APPROVAL_REQUESTED].allowed


def test_after_the_request_nobody_is_offered_it_and_four_eyes_refuses_the_requester(team):
    complete_need(team)
    request_approval(project=team.reload(), by=team.consultant)
    assert Action.APPROVAL_REQUESTED not in offered(team, team.clinician)
    mine = actions_for(team, team.consultant)[Action.APPROVED]
    assert mine.offered and mine.refused
    assert [r.code for r in mine.reasons] == [gates.FOUR_EYES]
    assert actions_for(team, team.consultant2)[Action.APPROVED].allowed


def test_a_stopped_project_offers_the_consultants_only_reopen(team):
    perform_transition(
        project=team.reload(), action=Action.STOPPED, by=team.consultant, comment="pause"
    )
    assert offered(team, team.consultant) == [Action.REOPENED]
    assert actions_for(team, team.consultant)[Action.REOPENED].allowed
    assert offered(team, team.clinician) == []
    assert actions_for(team, team.clinician)[Action.REOPENED].refused


def test_a_later_stage_offers_the_return_and_an_unknown_action_is_no_key(team):
    move_to(team, "legal")
    assert Action.RETURNED in offered(team, team.consultant)
    with pytest.raises(KeyError):
        actions_for(team, team.consultant)[Action.ANSWERED]


def test_next_step_approves_exactly_when_the_approval_is_allowed(team):
    complete_need(team)
    request_approval(project=team.reload(), by=team.clinician)
    project = team.reload()
    status = load_stage_status(project)
    for person in (team.consultant, team.consultant2, team.clinician, team.lawyer):
        actions = gates.available_actions(project, person, status)
        step = gates.next_step(project, person, status, actions=actions)
        assert (step.code == gates.NEXT_APPROVE) == actions[Action.APPROVED].allowed
        assert step == gates.next_step(project, person, status)
