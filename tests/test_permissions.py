"""The permission matrix: each persona × each action, through the services and the gate.

Beside the project's own team, people who hold a role for the project's organisation or a node
above it (issue 16): a region-wide consultant and lawyer act as such on the project; the same
roles for a sibling hospital or another region, and the content editor's role, give nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from procurement import services
from procurement.gates import blocking_reasons, load_stage_status
from procurement.models import Action
from procurement.permissions import can_manage_team, get_visible_project
from procurement.transitions import TransitionBlocked, perform_transition, request_approval
from tests.personas import answer, complete_need, move_to, with_organisation_roles

PERSONAS = [
    "clinician",
    "consultant",
    "lawyer",
    "it_architect",
    "procurement",
    "ai_competence",
    "outsider",
    "foreigner",
    "admin",
    "region_consultant",
    "region_lawyer",
    "sibling_consultant",
    "other_region_consultant",
    "editor",
]
READERS = {
    "clinician",
    "consultant",
    "lawyer",
    "it_architect",
    "procurement",
    "ai_competence",
    "admin",
    "region_consultant",
    "region_lawyer",
}


@pytest.fixture
def team(team):
    """The shared team with people who hold organisation-wide roles (tests.personas)."""
    return with_organisation_roles(team)


@pytest.mark.parametrize("person", PERSONAS)
def test_view(team, person):
    user = getattr(team, person)
    if person in READERS:
        assert get_visible_project(user, team.project.pk) == team.project
    else:
        with pytest.raises(Http404):
            get_visible_project(user, team.project.pk)


# In the legal stage: legal.personal_data belongs to the lawyer, legal.hosting to the IT
# architect. The owner may answer every item.
ANSWER_PERSONAL_DATA = {"clinician", "lawyer", "region_lawyer"}
ANSWER_HOSTING = {"clinician", "it_architect"}


@pytest.mark.parametrize("person", PERSONAS)
def test_answer(team, person):
    move_to(team, "legal")
    user = getattr(team, person)
    for key, value, allowed in (
        ("legal.personal_data", "yes", ANSWER_PERSONAL_DATA),
        ("legal.hosting", "eu_cloud", ANSWER_HOSTING),
    ):
        if person in allowed:
            assert answer(team, key, value, by=user).value == value
        else:
            with pytest.raises(PermissionDenied):
                answer(team, key, value, by=user)


@pytest.mark.parametrize("person", PERSONAS)
def test_sign_off(team, person):
    move_to(team, "legal")
    answer(team, "legal.hosting", "eu_cloud", by=team.clinician)
    user = getattr(team, person)
    item = team.item("legal.hosting")
    if person == "it_architect":
        assert services.sign_off(project=team.reload(), item=item, by=user).user == user
    else:
        with pytest.raises(PermissionDenied):
            services.sign_off(project=team.reload(), item=item, by=user)


@pytest.mark.parametrize("person", PERSONAS)
def test_manage_team(team, person):
    # The owner and consultants manage the team, administrators too; the approving roles within
    # it follow the team rule (tests/test_team_rule.py). The AI competence unit may add its own.
    managers = {"clinician", "consultant", "admin", "ai_competence", "region_consultant"}
    assert can_manage_team(team.project, getattr(team, person)) == (person in managers)


@pytest.mark.parametrize("person", PERSONAS)
def test_request_approval(team, person):
    complete_need(team)
    user = getattr(team, person)
    if person in {"clinician", "consultant", "region_consultant"}:
        assert request_approval(project=team.reload(), by=user).approval_requested_by == user
    else:
        with pytest.raises(TransitionBlocked):
            request_approval(project=team.reload(), by=user)
        assert team.reload().approval_requested_by is None


DECISIONS = [Action.APPROVED, Action.RETURNED, Action.STOPPED, Action.REOPENED, Action.RETIRED]


def ready_for(team, action):
    """Put the project where `action` is possible for an innovation consultant."""
    if action == Action.APPROVED:
        complete_need(team)
        request_approval(project=team.reload(), by=team.clinician)
    elif action == Action.RETURNED:
        move_to(team, "legal")
    elif action == Action.REOPENED:
        perform_transition(
            project=team.reload(), action=Action.STOPPED, by=team.consultant, comment="pause"
        )
    elif action == Action.RETIRED:
        move_to(team, "monitoring")
    return team.reload()


@pytest.mark.parametrize("action", DECISIONS)
@pytest.mark.parametrize("person", PERSONAS)
def test_decisions_only_by_consultants(team, person, action):
    project = ready_for(team, action)
    user = getattr(team, person)
    state = project.state
    kwargs = {"target": "need"} if action == Action.RETURNED else {}
    if person in {"consultant", "region_consultant"}:
        perform_transition(project=project, action=action, by=user, comment="grund", **kwargs)
        assert team.reload().state != state
    else:
        with pytest.raises(TransitionBlocked) as excinfo:
            perform_transition(project=project, action=action, by=user, comment="grund", **kwargs)
        assert "role_required" in [r.code for r in excinfo.value.reasons]
        assert team.reload().state == state


def test_consultant_who_requested_cannot_approve_but_another_can(team):
    complete_need(team)
    request_approval(project=team.reload(), by=team.consultant)
    with pytest.raises(TransitionBlocked) as excinfo:
        perform_transition(project=team.reload(), action=Action.APPROVED, by=team.consultant)
    assert [r.code for r in excinfo.value.reasons] == ["four_eyes"]
    assert team.reload().state == "need"
    perform_transition(project=team.reload(), action=Action.APPROVED, by=team.consultant2)
    assert team.reload().state == "legal"


def test_one_person_with_two_roles(team):
    services.add_member(
        project=team.project, by=team.admin, user=team.lawyer, role="innovation_consultant"
    )
    project = team.reload()
    reasons = blocking_reasons(
        project=project, action=Action.STOPPED, status=load_stage_status(project), user=team.lawyer
    )
    assert reasons == []


def test_removed_member_loses_access(team):
    from procurement.models import Membership

    Membership.objects.filter(project=team.project, user=team.lawyer).delete()
    with pytest.raises(Http404):
        get_visible_project(team.lawyer, team.project.pk)


def test_retired_project_is_read_only(team):
    move_to(team, "monitoring")
    answer(team, "monitoring.owner", "AI-enheden", by=team.ai_competence)
    perform_transition(
        project=team.reload(), action=Action.RETIRED, by=team.consultant, comment="Udfaset"
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        answer(team, "monitoring.owner", "Andet", by=team.ai_competence)
    assert not can_manage_team(team.reload(), team.clinician)
