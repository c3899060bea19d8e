"""The team rule: four-eyes that the owner cannot bypass.

Approving roles (innovation consultant, AI competence unit) come only from an administrator or a
holder of an approving role, never to oneself and never to the owner; the owner never decides
(approve, stop, reopen, override), even when holding the consultant role from before the rule.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from procurement import services
from procurement.forms import MemberForm
from procurement.gates import OWNER_NOT_DECIDER, ROLE_REQUIRED, blocking_reasons, load_stage_status
from procurement.models import Action, HistoryEntry, Membership
from procurement.permissions import (
    APPROVER_GRANTED_BY,
    NO_SELF_GRANT,
    OWNER_NOT_APPROVER,
    grantable_roles,
    team_change_refusal,
)
from procurement.transitions import TransitionBlocked, perform_transition, request_approval
from tests.personas import complete_need

APPROVING = ["innovation_consultant", "ai_competence"]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def grants(team):
    return HistoryEntry.objects.filter(project=team.project, action=Action.MEMBER_ADDED).count()


def add(team, by, user, role):
    return services.add_member(project=team.reload(), by=by, user=user, role=role)


@pytest.mark.parametrize("role", APPROVING)
def test_the_owner_cannot_give_themselves_an_approving_role(team, role):
    before = grants(team)
    with pytest.raises(ValidationError):
        add(team, team.clinician, team.clinician, role)
    assert not Membership.objects.filter(project=team.project, user=team.clinician, role=role)
    assert grants(team) == before


@pytest.mark.parametrize("role", APPROVING)
def test_the_owner_cannot_give_a_colleague_an_approving_role(team, role):
    with pytest.raises(ValidationError) as caught:
        add(team, team.clinician, team.procurement, role)
    assert caught.value.code == "team_rule"
    assert not Membership.objects.filter(project=team.project, user=team.procurement, role=role)


def test_the_reported_bypass_fails_at_its_first_step(team):
    """A clinician made a colleague a consultant, asked for approval, and the colleague
    approved. The grant is refused, so the colleague cannot approve."""
    with pytest.raises(ValidationError):
        add(team, team.clinician, team.procurement, "innovation_consultant")
    complete_need(team)
    request_approval(project=team.reload(), by=team.clinician)
    with pytest.raises(TransitionBlocked):
        perform_transition(project=team.reload(), action=Action.APPROVED, by=team.procurement)
    assert team.reload().state == "need"


@pytest.mark.parametrize(
    ("granter", "role", "allowed"),
    [
        ("admin", "innovation_consultant", True),
        ("admin", "ai_competence", True),
        ("consultant", "innovation_consultant", True),
        ("consultant", "ai_competence", True),
        ("ai_competence", "ai_competence", True),
        ("ai_competence", "innovation_consultant", False),
        ("lawyer", "innovation_consultant", False),
        ("clinician", "lawyer", True),
        ("consultant", "lawyer", True),
        ("admin", "lawyer", True),
        ("lawyer", "lawyer", False),
    ],
)
def test_who_grants_what(team, granter, role, allowed):
    by = getattr(team, granter)
    assert (role in grantable_roles(team.project, by)) == allowed
    if allowed:
        membership = add(team, by, team.outsider, role)
        entry = HistoryEntry.objects.filter(project=team.project).latest("pk")
        assert (entry.action, entry.by, entry.subject) == (
            Action.MEMBER_ADDED,
            by,
            f"outsider/{role}",
        )
        assert membership.added_by == by
    else:
        with pytest.raises((PermissionDenied, ValidationError)):
            add(team, by, team.outsider, role)


def test_nobody_gives_themselves_an_approving_role(team):
    assert team_change_refusal(
        team.project, team.consultant, "ai_competence", user=team.consultant
    ) == (NO_SELF_GRANT)
    with pytest.raises(ValidationError):
        add(team, team.consultant, team.consultant, "ai_competence")


@pytest.mark.parametrize("granter", ["admin", "consultant"])
def test_the_owner_never_holds_an_approving_role(team, granter):
    by = getattr(team, granter)
    refusal = team_change_refusal(team.project, by, "innovation_consultant", user=team.clinician)
    assert refusal == OWNER_NOT_APPROVER
    with pytest.raises(ValidationError):
        add(team, by, team.clinician, "innovation_consultant")


def test_removal_follows_the_same_rule_and_is_journalled(team):
    consultant = Membership.objects.get(project=team.project, user=team.consultant)
    assert (
        team_change_refusal(team.project, team.clinician, consultant.role, removing=True)
        == APPROVER_GRANTED_BY
    )
    with pytest.raises(ValidationError):
        services.remove_member(project=team.reload(), by=team.clinician, membership=consultant)
    assert Membership.objects.filter(pk=consultant.pk).exists()
    services.remove_member(project=team.reload(), by=team.consultant2, membership=consultant)
    entry = HistoryEntry.objects.filter(project=team.project).latest("pk")
    assert (entry.action, entry.by, entry.subject) == (
        Action.MEMBER_REMOVED,
        team.consultant2,
        "consultant/innovation_consultant",
    )


def test_the_form_offers_only_grantable_roles(team):
    owner_roles = [value for value, _label in MemberForm(project=team.project, by=team.clinician)
                   .fields["role"].choices]  # fmt: skip
    assert "innovation_consultant" not in owner_roles and "ai_competence" not in owner_roles
    assert "lawyer" in owner_roles
    consultant_roles = [
        value
        for value, _label in MemberForm(project=team.project, by=team.consultant)
        .fields["role"]
        .choices
    ]
    assert set(APPROVING) <= set(consultant_roles)
    form = MemberForm(
        {"user": team.clinician.pk, "role": "innovation_consultant"},
        project=team.project,
        by=team.consultant,
    )
    assert not form.is_valid() and "role" in form.errors


def test_the_owner_posting_an_approving_role_is_refused(client, team):
    client.force_login(team.clinician)
    before = Membership.objects.count()
    response = client.post(
        reverse("member_add", kwargs={"project_id": team.project.pk}),
        {"user": team.procurement.pk, "role": "innovation_consultant"},
    )
    assert response.status_code == 400
    assert Membership.objects.count() == before


def test_the_team_page_hides_what_the_owner_may_not_remove(client, team):
    client.force_login(team.clinician)
    page = client.get(reverse("project_team", kwargs={"project_id": team.project.pk}))
    consultant = Membership.objects.get(project=team.project, user=team.consultant)
    lawyer = Membership.objects.get(project=team.project, user=team.lawyer)
    html = page.content.decode()
    assert reverse("member_remove", args=[team.project.pk, lawyer.pk]) in html
    assert reverse("member_remove", args=[team.project.pk, consultant.pk]) not in html
    assert 'value="innovation_consultant"' not in html


@pytest.mark.parametrize("action", [Action.STOPPED, Action.APPROVED, Action.RETURNED])
def test_an_owner_holding_the_consultant_role_still_does_not_decide(team, action):
    # A membership from before the team rule, written directly.
    Membership.objects.create(
        project=team.project, user=team.clinician, role="innovation_consultant"
    )
    complete_need(team)
    request_approval(project=team.reload(), by=team.consultant)
    project = team.reload()
    reasons = blocking_reasons(
        project=project, action=action, status=load_stage_status(project), user=team.clinician
    )
    assert [(r.code, r.message) for r in reasons if r.code == ROLE_REQUIRED] == [
        (ROLE_REQUIRED, OWNER_NOT_DECIDER)
    ]


def test_an_owner_holding_the_consultant_role_cannot_reopen(team):
    perform_transition(
        project=team.reload(), action=Action.STOPPED, by=team.consultant, comment="x"
    )
    Membership.objects.create(
        project=team.project, user=team.clinician, role="innovation_consultant"
    )
    with pytest.raises(TransitionBlocked):
        perform_transition(
            project=team.reload(), action=Action.REOPENED, by=team.clinician, comment="y"
        )
    assert team.reload().state == "stopped"


def test_an_owner_holding_the_consultant_role_is_not_asked_to_approve(client, team):
    Membership.objects.create(
        project=team.project, user=team.clinician, role="innovation_consultant"
    )
    complete_need(team)
    request_approval(project=team.reload(), by=team.consultant)
    client.force_login(team.clinician)
    context = client.get(reverse("dashboard")).context
    assert [row.project for row in context["approvals"]] == []
    client.force_login(team.consultant2)
    context = client.get(reverse("dashboard")).context
    assert [row.project for row in context["approvals"]] == [team.project]
