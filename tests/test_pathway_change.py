"""Upgrading a project to a newer pathway version, and continuing a fast-track project into the
full pathway: the preview matches what happens, and nothing is lost."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from checklists.loading import load_pathways
from checklists.models import Pathway
from procurement import services
from procurement.gates import load_stage_status
from procurement.models import Action, Answer, HistoryEntry, Project, SignOff
from procurement.pathway_change import (
    ARCHIVED,
    KEPT,
    archived_answers,
    plan_pathway_change,
    upgrade_project,
)
from procurement.transitions import TransitionBlocked, perform_transition
from tests.personas import FIXTURES, answer, complete_legal, make_team, move_to


@pytest.fixture
def v2(team):
    load_pathways([FIXTURES / "test-pathway.v2.yaml"])
    return Pathway.objects.get(slug="test-pathway", version=2)


def answered_in_legal(team):
    answer(team, "need.problem", "Lange ventetider.")
    answer(team, "need.patients_per_year", "1200")
    move_to(team, "legal")
    complete_legal(team)
    answer(team, "legal.decision_date", "2026-03-01", by=team.lawyer)
    return team.reload()


def by_key(plan):
    return {change.key: change for change in plan.changes}


def test_preview_lists_added_removed_changed_and_outcomes(team, v2):
    project = answered_in_legal(team)
    plan = plan_pathway_change(project, v2)
    changes = by_key(plan)
    assert [c.key for c in plan.added] == ["need.baseline"]
    assert [c.key for c in plan.removed] == ["need.patients_per_year"]
    assert {c.key for c in plan.changed} == {"need.problem", "legal.hosting", "legal.decision_date"}
    assert changes["need.problem"].outcome == KEPT
    assert changes["need.patients_per_year"].outcome == ARCHIVED
    assert changes["legal.decision_date"].outcome == ARCHIVED  # type changed
    assert changes["legal.hosting"].outcome == KEPT  # "eu_cloud" still a choice
    assert changes["legal.hosting"].signoff_again
    assert changes["legal.dpia"].outcome == KEPT and changes["legal.dpia"].kind == "unchanged"
    assert plan.blockers == []
    # The preview writes nothing.
    assert Project.objects.get(pk=project.pk).pathway.version == 1


def test_upgrade_does_what_the_preview_said_and_loses_nothing(team, v2):
    project = answered_in_legal(team)
    plan = plan_pathway_change(project, v2)
    answers_before = Answer.objects.filter(project=project).count()
    upgrade_project(project=project, target=v2, by=team.clinician)
    project = team.reload()
    assert project.pathway == v2 and project.state == "legal"
    assert Answer.objects.filter(project=project).count() == answers_before  # nothing deleted
    for change in plan.kept_answers:
        moved = Answer.objects.get(pk=change.answer.pk)
        assert moved.item == change.new and moved.value == change.answer.value
    archived = {a.item.key for a in archived_answers(project)}
    assert archived == {c.key for c in plan.archived_answers}
    # Unchanged signed-off items keep their sign-off; changed ones need a new one.
    status = load_stage_status(project)
    items = {s.item.key: s for s in status.items}
    assert items["legal.dpia"].signed_off
    assert not items["legal.hosting"].signed_off and items["legal.hosting"].signoff_missing
    assert SignOff.objects.filter(project=project).count() == 2  # the old one is kept
    entry = HistoryEntry.objects.filter(project=project).last()
    assert entry.action == Action.UPGRADED and "v1 → v2" in entry.comment


def test_archived_answers_do_not_feed_conditions(team, v2):
    project = answered_in_legal(team)
    upgrade_project(project=project, target=v2, by=team.clinician)
    status = load_stage_status(team.reload())
    date_item = next(s for s in status.items if s.item.key == "legal.decision_date")
    assert not date_item.answered


def test_choice_no_longer_offered_is_archived(team, v2):
    move_to(team, "legal")
    answer(team, "legal.hosting", "on_premises", by=team.it_architect)
    plan = plan_pathway_change(team.reload(), v2)
    assert by_key(plan)["legal.hosting"].outcome == ARCHIVED


def test_upgrade_refused_when_current_stage_disappears(team, v2, tmp_path):
    import yaml

    data = yaml.safe_load((FIXTURES / "test-pathway.v2.yaml").read_text())
    data["version"] = 3
    data["stages"] = [s for s in data["stages"] if s["key"] != "legal"]
    path = tmp_path / "test-pathway.v3.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    load_pathways([path])
    v3 = Pathway.objects.get(slug="test-pathway", version=3)
    project = move_to(team, "legal")
    plan = plan_pathway_change(project, v3)
    assert plan.blockers
    with pytest.raises(ValidationError):
        upgrade_project(project=project, target=v3, by=team.clinician)
    assert team.reload().pathway.version == 1


@pytest.mark.parametrize("person", ["lawyer", "procurement", "outsider"])
def test_only_owner_or_consultant_upgrades(team, v2, person):
    with pytest.raises(PermissionDenied):
        upgrade_project(project=team.project, target=v2, by=getattr(team, person))
    assert team.reload().pathway.version == 1


def test_upgrade_through_the_web(client, team, v2):
    answered_in_legal(team)
    client.force_login(team.clinician)
    page = client.get(reverse("project_detail", args=[team.project.pk]))
    assert page.context["newer_version"] == v2
    preview = client.get(reverse("project_upgrade", args=[team.project.pk]))
    assert preview.status_code == 200
    assert 'data-key="need.patients_per_year"' in preview.content.decode()
    response = client.post(reverse("project_upgrade", args=[team.project.pk]), {"target": v2.pk})
    assert response.status_code == 302
    assert team.reload().pathway == v2


def test_upgrade_view_wiring(client, team, v2):
    url = reverse("project_upgrade", args=[team.project.pk])
    client.force_login(team.outsider)
    assert client.get(url).status_code == 404
    client.force_login(team.procurement)
    assert client.get(url).status_code == 403
    assert client.post(url, {"target": v2.pk}).status_code == 403
    assert team.reload().pathway.version == 1


# --- fast-track continuation ------------------------------------------------------------------


@pytest.fixture
def fast_team(db, pathway):
    load_pathways([FIXTURES / "test-fast.v1.yaml"])
    return make_team(Pathway.objects.get(slug="test-fast"))


def finish_fast_track(team):
    answer(team, "need.problem", "Hurtig validering")
    answer(team, "need.fast_only", "Kun her")
    from tests.personas import advance

    advance(team)
    answer(team, "legal.personal_data", "no", by=team.lawyer)
    return team.reload()


def test_fast_track_continues_into_full_pathway_keeping_answers(fast_team):
    project = finish_fast_track(fast_team)
    assert project.state == "legal" and project.is_in_last_stage
    perform_transition(
        project=project, action=Action.CONTINUED, by=fast_team.consultant, comment="Videre"
    )
    project = fast_team.reload()
    assert project.pathway.slug == "test-pathway"
    assert project.state == "monitoring"
    keys = set(
        Answer.objects.filter(project=project, item__stage__pathway=project.pathway).values_list(
            "item__key", flat=True
        )
    )
    assert keys == {"need.problem", "legal.personal_data"}
    assert [a.item.key for a in archived_answers(project)] == ["need.fast_only"]
    entry = HistoryEntry.objects.filter(project=project).last()
    assert (entry.action, entry.from_state, entry.to_state) == (
        Action.CONTINUED,
        "legal",
        "monitoring",
    )


def test_continuation_needs_the_last_stage_complete_and_a_consultant(fast_team):
    with pytest.raises(TransitionBlocked) as excinfo:
        perform_transition(
            project=fast_team.reload(), action=Action.CONTINUED, by=fast_team.consultant
        )
    assert [r.code for r in excinfo.value.reasons] == ["not_last_stage"]
    project = finish_fast_track(fast_team)
    with pytest.raises(TransitionBlocked) as excinfo:
        perform_transition(project=project, action=Action.CONTINUED, by=fast_team.clinician)
    assert [r.code for r in excinfo.value.reasons] == ["role_required"]
    assert fast_team.reload().pathway.slug == "test-fast"


def test_full_pathway_does_not_continue(team):
    move_to(team, "monitoring")
    with pytest.raises(TransitionBlocked) as excinfo:
        perform_transition(project=team.reload(), action=Action.CONTINUED, by=team.consultant)
    assert [r.code for r in excinfo.value.reasons] == ["no_continuation"]


def test_continuation_through_the_web(client, fast_team):
    finish_fast_track(fast_team)
    client.force_login(fast_team.consultant)
    url = reverse("project_continue", args=[fast_team.project.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["reasons"] == []
    response = client.post(url, {"comment": "Godt resultat"})
    assert response.status_code == 302
    assert fast_team.reload().state == "monitoring"


def test_continuation_view_404_for_full_pathway(client, team):
    client.force_login(team.consultant)
    assert client.get(reverse("project_continue", args=[team.project.pk])).status_code == 404


def test_continuation_view_404_for_outsiders(client, fast_team):
    client.force_login(fast_team.outsider)
    url = reverse("project_continue", args=[fast_team.project.pk])
    assert client.get(url).status_code == 404


def test_project_created_on_newest_version(team, v2):
    project = services.create_project(
        by=team.clinician, pathway=v2, title="Ny", clinical_need="x", department="y"
    )
    assert project.pathway.version == 2


def test_continues_into_unknown_pathway_is_refused(db, tmp_path):
    import yaml

    from checklists.loading import PathwayFileError

    data = yaml.safe_load((FIXTURES / "test-fast.v1.yaml").read_text())
    data["continues_into"] = {"pathway": "nowhere", "stage": "x"}
    path = tmp_path / "test-fast.v1.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(PathwayFileError, match="unknown pathway 'nowhere'"):
        load_pathways([path])
