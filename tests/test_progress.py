"""The stored progress: after every kind of change it equals a fresh evaluation by the gate, a
change that fails leaves it as it was, and the dashboard's counts read from it are the counts
made from the items."""

from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from procurement import journal, services
from procurement.dashboard import dashboard_context
from procurement.models import Action, Answer, Project, ProjectProgress
from procurement.progress import computed_progress, fields_of, rebuild_progress
from procurement.transitions import TransitionBlocked, perform_transition, request_approval
from tests.personas import advance, answer, complete_legal, complete_need, move_to, pdf_upload


def stored(project) -> dict:
    return fields_of(ProjectProgress.objects.get(project_id=project.pk))


def fresh(project) -> dict:
    project = Project.objects.select_related("pathway").get(pk=project.pk)
    return computed_progress([project])[project.pk]


def assert_current(team) -> dict:
    progress = stored(team.project)
    assert progress == fresh(team.project)
    return progress


def test_a_new_project_has_its_progress(team):
    progress = assert_current(team)
    assert progress["stage_key"] == "need"
    # The clinical need typed at the start is the first answer (when the pathway has the item).
    assert progress["applicable"] == 2


def test_answers_change_the_progress_and_clearing_one_changes_it_back(team):
    before = assert_current(team)
    complete_need(team)
    after = assert_current(team)
    assert after["answered"] == before["answered"] + 1
    assert after["required_missing"] == 0 and after["missing_by_role"] == {}
    answer(team, "need.problem", "")  # cleared
    assert assert_current(team) == before


def test_sign_offs_transitions_and_requests_keep_the_progress(team):
    complete_need(team)
    request_approval(project=team.reload(), by=team.clinician)
    assert assert_current(team)
    # An approval request is the project's own field (what the dashboard reads), not progress.
    assert team.reload().approval_requested_by_id == team.clinician.pk
    perform_transition(project=team.reload(), action=Action.APPROVED, by=team.consultant)
    progress = assert_current(team)
    assert progress["stage_key"] == "legal" and team.reload().approval_requested_by_id is None
    assert progress["missing_by_role"] == {"it_architect": 1, "lawyer": 1}
    answer(team, "legal.personal_data", "yes", by=team.lawyer)
    assert assert_current(team)["missing_by_role"] == {"it_architect": 1, "lawyer": 1}  # the DPIA
    answer(team, "legal.dpia", by=team.clinician, upload=pdf_upload())
    answer(team, "legal.hosting", "eu_cloud", by=team.clinician)
    assert assert_current(team)["signoffs_by_role"] == {"it_architect": 1, "lawyer": 1}
    services.sign_off(project=team.reload(), item=team.item("legal.dpia"), by=team.lawyer)
    assert assert_current(team)["signoffs_by_role"] == {"it_architect": 1}
    perform_transition(
        project=team.reload(), action=Action.RETURNED, by=team.consultant, target="need",
        comment="Igen",
    )  # fmt: skip
    assert assert_current(team)["stage_key"] == "need"
    perform_transition(
        project=team.reload(), action=Action.STOPPED, by=team.consultant, comment="x"
    )
    assert_current(team)
    perform_transition(
        project=team.reload(), action=Action.REOPENED, by=team.consultant, comment="Igen"
    )
    assert assert_current(team)["stage_key"] == "need"


def test_retiring_from_the_last_stage_empties_the_progress(team):
    move_to(team, "monitoring")
    answer(team, "monitoring.owner", "AI-enheden", by=team.ai_competence)
    assert_current(team)
    perform_transition(
        project=team.reload(), action=Action.RETIRED, by=team.consultant, comment="Slut"
    )
    progress = assert_current(team)
    assert progress["stage_key"] == "" and progress["applicable"] == 0


def test_a_change_that_fails_leaves_the_progress_as_it_was(team):
    before = stored(team.project)
    with mock.patch.object(journal, "LISTENERS", [mock.Mock(side_effect=RuntimeError("boom"))]):
        with pytest.raises(RuntimeError):
            complete_need(team)
    assert not Answer.objects.filter(project=team.project).exists()
    assert stored(team.project) == before == fresh(team.project)


def test_a_refused_transition_leaves_the_progress_as_it_was(team):
    before = stored(team.project)
    with pytest.raises(TransitionBlocked):
        request_approval(project=team.reload(), by=team.clinician)  # the need is unanswered
    assert stored(team.project) == before


def test_two_changes_in_one_transaction_leave_the_second_ones_progress(team):
    with transaction.atomic():
        complete_need(team)
        answer(team, "need.patients_per_year", "120")
    assert assert_current(team)["answered"] == 2


def test_the_rebuild_command_repairs_a_row_written_around_the_services(team):
    ProjectProgress.objects.filter(project=team.project).update(answered=99, missing_by_role={})
    with pytest.raises(CommandError):
        call_command("rebuild_progress", "--check")
    assert stored(team.project)["answered"] == 99  # --check writes nothing
    call_command("rebuild_progress")
    assert_current(team)
    assert rebuild_progress() == 0


def test_the_dashboard_counts_from_the_progress_what_the_items_say(team, monkeypatch):
    """Off the page (page size 1), what awaits each person is what the items said on it."""
    from procurement import dashboard

    move_to(team, "legal")
    answer(team, "legal.personal_data", "yes", by=team.lawyer)
    answer(team, "legal.hosting", "eu_cloud", by=team.clinician)
    people = (team.lawyer, team.it_architect, team.clinician)
    on_page = {user: _waiting(dashboard_context(user), team.project) for user in people}
    assert on_page[team.lawyer] == (1, 0)  # the DPIA
    assert on_page[team.it_architect] == (0, 1)  # the hosting answer to sign
    assert on_page[team.clinician] == (1, 0)  # the owner may answer every item
    newer = services.create_project(
        by=team.clinician, pathway=team.project.pathway, title="Nyere", clinical_need="x",
        department="y",
    )  # fmt: skip
    for user, role in ((team.lawyer, "lawyer"), (team.it_architect, "it_architect")):
        services.add_member(project=newer, by=team.clinician, user=user, role=role)
    monkeypatch.setattr(dashboard, "PAGE_SIZE", 1)
    for user in people:
        context = dashboard_context(user)
        assert [row.project.pk for row in context["rows"]] == [newer.pk]
        assert _waiting(context, team.project) == on_page[user]


def _waiting(context, project) -> tuple[int, int]:
    row = {row.project.pk: row for row in context["todo"]}[project.pk]
    return row.my_items, row.my_signoffs


def test_an_approval_off_the_page_awaits_the_other_consultant(team, monkeypatch):
    from procurement import dashboard

    complete_need(team)
    request_approval(project=team.reload(), by=team.consultant)
    monkeypatch.setattr(dashboard, "PAGE_SIZE", 1)
    services.create_project(
        by=team.clinician, pathway=team.project.pathway, title="Nyere", clinical_need="x",
        department="y",
    )  # fmt: skip
    assert [row.project.pk for row in dashboard_context(team.consultant2)["approvals"]] == [
        team.project.pk
    ]
    assert dashboard_context(team.consultant)["approvals"] == []  # four eyes


def test_advance_keeps_the_progress(team):
    complete_need(team)
    advance(team)
    assert assert_current(team)["stage_key"] == "legal"
    complete_legal(team)
    assert assert_current(team)["required_missing"] == 0


def test_a_pathway_upgrade_keeps_the_progress(team):
    from checklists.loading import load_pathways
    from checklists.models import Pathway
    from procurement.pathway_change import upgrade_project
    from tests.personas import FIXTURES

    load_pathways([FIXTURES / "test-pathway.v2.yaml"])
    v2 = Pathway.objects.get(slug="test-pathway", version=2)
    complete_need(team)
    before = assert_current(team)
    upgrade_project(project=team.reload(), target=v2, by=team.clinician)
    after = assert_current(team)
    assert after != before  # v2 adds a required item to the need stage


def test_migrate_gives_a_project_without_progress_its_progress_and_leaves_the_others(team):
    complete_need(team)
    ProjectProgress.objects.filter(project=team.project).delete()
    other = services.create_project(
        by=team.clinician,
        pathway=team.project.pathway,
        title="Anden",
        clinical_need="x",
        department="y",
    )
    ProjectProgress.objects.filter(project=other).update(answered=99)  # not missing: kept
    call_command("migrate", verbosity=0)
    assert_current(team)
    assert stored(other)["answered"] == 99
