"""The services: criteria locked by the first results and kept as a history, uploads all or
nothing, the override and its sign-off, and the audit trail."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from procurement.guards import STAGE_APPROVED
from procurement.models import Project
from tests.personas import advance
from tests.validation.helpers import (
    add_criterion,
    add_site,
    classification_file,
    csv_bytes,
    stage,
    upload,
)
from validation import services
from validation.models import (
    AuditAction,
    AuditEvent,
    Criterion,
    EvaluationSite,
    Override,
    PhaseResult,
    ResultUpload,
)
from validation.selectors import load_phase_state


def actions(team) -> list[str]:
    return list(AuditEvent.objects.filter(project=team.project).values_list("action", flat=True))


def change(team, criterion, by=None, **values):
    defaults = {"metric": criterion.metric, "direction": criterion.direction,
                "threshold": criterion.threshold, "judged_on": criterion.judged_on,
                "every_group": criterion.every_group, "reason": ""}  # fmt: skip
    return services.change_criterion(
        project=team.reload(),
        stage=stage(team),
        criterion=criterion,
        by=by or team.ai_competence,
        **{**defaults, **values},
    )


# --- criteria and their lock ------------------------------------------------------------------


def test_criteria_change_freely_before_the_first_results(vteam):
    first = add_criterion(vteam, threshold="0.7")
    second = change(vteam, first, threshold="0.75")
    assert not second.after_lock and second.reason == ""
    state = load_phase_state(vteam.reload(), "retrospective")
    assert state.criteria == [second]
    assert not state.is_locked
    assert actions(vteam) == [AuditAction.CRITERION_ADDED, AuditAction.CRITERION_CHANGED]


def test_the_first_upload_locks_the_criteria(vteam):
    criterion = add_criterion(vteam)
    site = add_site(vteam)
    first = upload(vteam, site)
    state = load_phase_state(vteam.reload(), "retrospective")
    assert state.is_locked and state.locked_at == first.uploaded_at
    assert AuditAction.CRITERIA_LOCKED in actions(vteam)
    before = (Criterion.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as caught:
        change(vteam, criterion, threshold="0.6")
    assert caught.value.messages == [services.REASON_REQUIRED]
    with pytest.raises(ValidationError):
        services.withdraw_criterion(
            project=vteam.reload(), stage=stage(vteam), criterion=criterion, by=vteam.clinician
        )
    with pytest.raises(ValidationError):
        add_criterion(vteam, metric="specificity")
    assert (Criterion.objects.count(), AuditEvent.objects.count()) == before


def test_a_change_after_the_lock_keeps_the_old_version_unchanged(vteam):
    criterion = add_criterion(vteam, threshold="0.7")
    upload(vteam, add_site(vteam))
    new = change(vteam, criterion, threshold="0.65", reason="Agreed with the vendor in advance.")
    old = Criterion.objects.get(pk=criterion.pk)
    assert str(old.threshold) == "0.7000" and old.replaced_by == new
    assert new.after_lock and new.reason == "Agreed with the vendor in advance."
    state = load_phase_state(vteam.reload(), "retrospective")
    assert state.criteria == [new]
    assert [c.pk for c in state.history] == [criterion.pk, new.pk]
    event = AuditEvent.objects.get(action=AuditAction.CRITERION_CHANGED)
    assert event.data["after_lock"] is True
    assert event.data["before"]["threshold"] == "0.7000"
    assert event.data["after"]["threshold"] == "0.65"
    # A replaced version cannot be changed again: only the current one.
    with pytest.raises(ValidationError) as caught:
        change(vteam, criterion, threshold="0.5", reason="again")
    assert caught.value.messages == [services.NOT_CURRENT_CRITERION]


def test_withdrawal_is_a_new_version_too(vteam):
    criterion = add_criterion(vteam)
    tombstone = services.withdraw_criterion(
        project=vteam.reload(), stage=stage(vteam), criterion=criterion, by=vteam.consultant
    )
    assert tombstone.withdrawn and tombstone.replaces == criterion
    assert load_phase_state(vteam.reload(), "retrospective").criteria == []


def test_criteria_and_uploads_are_never_changed_or_deleted(vteam):
    criterion = add_criterion(vteam)
    result = upload(vteam, add_site(vteam))
    event = AuditEvent.objects.first()
    for row in (criterion, result, event):
        with pytest.raises(PermissionError):
            row.save()
        with pytest.raises(PermissionError):
            row.delete()


# --- uploads ------------------------------------------------------------------------------------


def test_an_upload_stores_the_file_its_rows_and_the_results(vteam, evidence_root):
    site = add_site(vteam)
    add_criterion(vteam)
    file = classification_file()
    content = file.read()
    result = upload(vteam, site, file=file)
    assert result.sha256 == hashlib.sha256(content).hexdigest()
    assert (evidence_root / str(vteam.project.pk) / result.stored_name).read_bytes() == content
    assert result.row_count == 400 and result.data["n_rows"] == 400
    stored = PhaseResult.objects.get(project=vteam.project, phase="retrospective")
    assert stored.data["classification"]["pooled"]["n"] == 400
    assert actions(vteam)[-3:] == [
        AuditAction.CRITERIA_LOCKED,
        AuditAction.RESULTS_UPLOADED,
        AuditAction.VERDICT,
    ]
    verdict = AuditEvent.objects.get(action=AuditAction.VERDICT)
    assert verdict.data["overall"] == "met"


def test_a_bad_file_imports_nothing(vteam, evidence_root):
    site = add_site(vteam)
    add_criterion(vteam)
    rows = [[f"c{i}", 0.5, i % 2] for i in range(20)] + [["c99", 0.5, 2]]
    bad = SimpleUploadedFile("bad.csv", csv_bytes(["id", "score", "outcome"], rows))
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        upload(vteam, site, file=bad)
    assert caught.value.messages == ["row 22: outcome must be 0 or 1"]
    assert not ResultUpload.objects.exists()
    assert not PhaseResult.objects.exists()
    assert AuditEvent.objects.count() == events
    assert not list(evidence_root.rglob("*")) or not any(
        p.is_file() for p in evidence_root.rglob("*")
    )
    assert not load_phase_state(vteam.reload(), "retrospective").is_locked


def test_a_failure_after_storing_the_file_removes_it(vteam, evidence_root, monkeypatch):
    site = add_site(vteam)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "recompute", broken)
    with pytest.raises(RuntimeError):
        upload(vteam, site)
    assert not any(p.is_file() for p in evidence_root.rglob("*"))
    assert not ResultUpload.objects.exists()


def test_the_size_limit_is_a_setting(vteam, settings):
    settings.VALIDATION_UPLOAD_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as caught:
        upload(vteam, add_site(vteam))
    assert caught.value.messages[0].startswith("The file is too large")


def test_a_newer_upload_replaces_the_older_in_the_results(vteam):
    site = add_site(vteam)
    upload(vteam, site, file=classification_file(n=400))
    upload(vteam, site, file=classification_file(n=250, seed=9))
    state = load_phase_state(vteam.reload(), "retrospective")
    assert len(state.uploads) == 2 and len(state.active_upload_ids) == 1
    assert state.results["classification"]["pooled"]["n"] == 250


def test_a_site_of_another_project_is_refused(vteam, vpathway):
    other = Project.objects.create(
        organisation=vteam.organisation,
        pathway=vpathway,
        title="Andet",
        clinical_need="x",
        department="y",
        owner=vteam.clinician,
        state="retrospective_validation",
    )
    foreign_site = EvaluationSite.objects.create(
        project=other, name="Fremmed", kind="hospital", created_by=vteam.clinician
    )
    with pytest.raises(ValidationError) as caught:
        upload(vteam, foreign_site)
    assert caught.value.messages == [services.WRONG_SITE]


def test_only_the_current_stage_takes_changes(vteam):
    site = add_site(vteam)
    add_criterion(vteam, threshold="0.5")
    upload(vteam, site)
    retrospective = stage(vteam)
    advance(vteam)
    assert vteam.reload().state == "prospective_validation"
    with pytest.raises(ValidationError) as caught:
        services.upload_results(
            project=vteam.reload(),
            stage=retrospective,
            site=site,
            kind="classification",
            upload=classification_file(),
            by=vteam.ai_competence,
        )
    assert caught.value.messages == [STAGE_APPROVED]


@pytest.mark.parametrize("who", ["lawyer", "procurement", "it_architect", "outsider"])
def test_only_contributors_change_validation_data(vteam, who):
    person = getattr(vteam, who)
    with pytest.raises(PermissionDenied):
        add_site(vteam, by=person)
    site = add_site(vteam)
    with pytest.raises(PermissionDenied):
        upload(vteam, site, by=person)
    with pytest.raises(PermissionDenied):
        add_criterion(vteam, by=person)
    assert not ResultUpload.objects.exists() and not Criterion.objects.exists()


@pytest.mark.parametrize("who", ["clinician", "ai_competence", "consultant"])
def test_contributors(vteam, who):
    site = add_site(vteam, name=f"Site of {who}", by=getattr(vteam, who))
    assert upload(vteam, site, by=getattr(vteam, who)).uploaded_by == getattr(vteam, who)


def test_site_names_are_unique_in_a_project(vteam):
    add_site(vteam, name="OUH")
    with pytest.raises(ValidationError) as caught:
        add_site(vteam, name="ouh")
    assert caught.value.messages == [services.SITE_EXISTS]


# --- the override -------------------------------------------------------------------------------


def record(team, by=None, justification="The vendor's model is only used as a second reader."):
    return services.record_override(
        project=team.reload(), stage=stage(team), by=by or team.consultant,
        justification=justification,
    )  # fmt: skip


def sign(team, override, by=None):
    return services.sign_off_override(
        project=team.reload(), stage=stage(team), override=override, by=by or team.ai_competence
    )


@pytest.mark.parametrize("who", ["clinician", "ai_competence", "lawyer"])
def test_only_innovation_consultants_record_an_override(vteam, who):
    with pytest.raises(PermissionDenied):
        record(vteam, by=getattr(vteam, who))
    assert not Override.objects.exists()


def test_the_override_needs_a_justification_and_one_at_a_time(vteam):
    with pytest.raises(ValidationError) as caught:
        record(vteam, justification="too short")
    assert caught.value.messages == [services.JUSTIFICATION_TOO_SHORT]
    record(vteam)
    with pytest.raises(ValidationError) as caught:
        record(vteam, by=vteam.consultant2)
    assert caught.value.messages == [services.OVERRIDE_PENDING]


@pytest.mark.parametrize("who", ["consultant", "consultant2", "clinician"])
def test_only_the_ai_competence_unit_signs_off(vteam, who):
    override = record(vteam)
    with pytest.raises(PermissionDenied):
        sign(vteam, override, by=getattr(vteam, who))
    assert not Override.objects.get().is_signed_off


def test_the_sign_off_is_recorded_and_given_once(vteam):
    override = record(vteam)
    signed = sign(vteam, override)
    assert signed.signed_off_by == vteam.ai_competence and signed.signed_off_at
    with pytest.raises(ValidationError):
        sign(vteam, override)
    assert actions(vteam)[-2:] == [AuditAction.OVERRIDE_RECORDED, AuditAction.OVERRIDE_SIGNED_OFF]


def test_nobody_signs_off_their_own_override(vteam):
    from procurement import services as procurement_services

    procurement_services.add_member(
        project=vteam.reload(), by=vteam.admin, user=vteam.consultant, role="ai_competence"
    )
    override = record(vteam)
    with pytest.raises(PermissionDenied):
        sign(vteam, override, by=vteam.consultant)


def test_no_override_when_the_criteria_are_met(vteam):
    add_criterion(vteam, threshold="0.5")
    upload(vteam, add_site(vteam))
    with pytest.raises(ValidationError) as caught:
        record(vteam)
    assert caught.value.messages == [services.OVERRIDE_NOT_NEEDED]


def test_the_owner_never_records_or_signs_an_override(vteam):
    """Even holding the roles from before the team rule (written directly), the owner, who asks
    for approval, does not decide the validation gate."""
    from procurement.models import Membership

    for role in ("innovation_consultant", "ai_competence"):
        Membership.objects.create(project=vteam.project, user=vteam.clinician, role=role)
    with pytest.raises(PermissionDenied):
        record(vteam, by=vteam.clinician)
    override = record(vteam)
    with pytest.raises(PermissionDenied):
        sign(vteam, override, by=vteam.clinician)
    assert not Override.objects.filter(signed_off_by__isnull=False).exists()
