"""The validation stages are not approvable until results exist and meet every criterion, or an
innovation consultant's override has been signed off by the AI competence unit."""

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from procurement.gates import blocking_reasons, load_stage_status
from procurement.models import Action
from procurement.transitions import TransitionBlocked, perform_transition, request_approval
from tests.personas import advance
from tests.validation.helpers import (
    add_criterion,
    add_site,
    classification_file,
    csv_bytes,
    pdqi9_file,
    stage,
    upload,
)
from validation import services, tool
from validation.models import AuditAction, AuditEvent
from validation.selectors import load_phase_state


def tool_codes(team) -> list[str]:
    project = team.reload()
    reasons = blocking_reasons(
        project=project, action=Action.APPROVAL_REQUESTED, status=load_stage_status(project)
    )
    return [reason.code for reason in reasons]


def reason(team, code):
    project = team.reload()
    status = load_stage_status(project)
    return next(r for r in status.tool_reasons if r.code == code)


def test_nothing_yet(vteam):
    assert tool_codes(vteam) == [tool.NO_CRITERIA, tool.NO_RESULTS]


def test_criteria_without_results(vteam):
    add_criterion(vteam)
    assert tool_codes(vteam) == [tool.NO_RESULTS]


def test_results_that_meet_every_criterion_open_the_gate(vteam):
    add_criterion(vteam, metric="auroc", threshold="0.7")
    add_criterion(vteam, metric="sensitivity", threshold="0.5")
    upload(vteam, add_site(vteam), threshold="0.3")
    assert tool_codes(vteam) == []
    advance(vteam)
    assert vteam.reload().state == "prospective_validation"
    # The prospective stage judges its own phase: the retrospective results do not count there.
    assert tool_codes(vteam) == [tool.NO_CRITERIA, tool.NO_RESULTS]


def test_results_that_miss_a_criterion_block_the_gate(vteam):
    add_criterion(vteam, metric="auroc", threshold="0.95")
    upload(vteam, add_site(vteam))
    assert tool_codes(vteam) == [tool.CRITERIA_NOT_MET]
    blocked = reason(vteam, tool.CRITERIA_NOT_MET)
    assert blocked.message == "1 acceptance criterion is not met"
    assert blocked.items == ("AUROC ≥ 0.95, on the lower 95 % confidence bound, pooled",)
    request_approval_fails(vteam)


def request_approval_fails(team):
    with pytest.raises(TransitionBlocked) as caught:
        request_approval(project=team.reload(), by=team.clinician)
    assert tool.CRITERIA_NOT_MET in [r.code for r in caught.value.reasons]


def test_the_point_estimate_can_pass_where_the_bound_does_not(vteam):
    site = add_site(vteam)
    upload(vteam, site, file=classification_file(n=120, seed=4))
    result = load_phase_state(vteam.reload(), "retrospective").results
    auroc = result["classification"]["pooled"]["metrics"]["auroc"]
    between = round((auroc["estimate"] + auroc["ci_low"]) / 2, 3)
    add_criterion(vteam, threshold=str(between), reason="set for the test")
    assert tool_codes(vteam) == [tool.CRITERIA_NOT_MET]
    criterion = load_phase_state(vteam.reload(), "retrospective").criteria[0]
    services.change_criterion(
        project=vteam.reload(), stage=stage(vteam), criterion=criterion, by=vteam.ai_competence,
        metric="auroc", direction="ge", threshold=str(between), judged_on="point",
        every_group=False, reason="The protocol said point estimate; typo corrected.",
    )  # fmt: skip
    assert tool_codes(vteam) == []


def test_every_subgroup_must_meet_it_when_asked(vteam):
    rng = np.random.default_rng(0)
    rows = []
    for i in range(600):
        outcome = int(rng.random() < 0.5)
        good = i % 2 == 0  # the model works for one sex only
        score = 0.5 + (0.35 if outcome else -0.35) * good + rng.normal(0, 0.1)
        rows.append([f"c{i}", float(np.clip(score, 0, 1)), outcome, "K" if good else "M"])
    file = SimpleUploadedFile("sub.csv", csv_bytes(["id", "score", "outcome", "køn"], rows))
    add_criterion(vteam, threshold="0.7", every_group=False)
    upload(vteam, add_site(vteam), file=file)
    assert tool_codes(vteam) == []
    criterion = load_phase_state(vteam.reload(), "retrospective").criteria[0]
    services.change_criterion(
        project=vteam.reload(), stage=stage(vteam), criterion=criterion, by=vteam.ai_competence,
        metric="auroc", direction="ge", threshold="0.7", judged_on="bound", every_group=True,
        reason="Fairness across sexes was part of the protocol.",
    )  # fmt: skip
    assert tool_codes(vteam) == [tool.CRITERIA_NOT_MET]
    assert "not met by: køn = M" in reason(vteam, tool.CRITERIA_NOT_MET).items[0]


def test_a_criterion_on_missing_results_cannot_be_judged(vteam):
    add_criterion(vteam, metric="auroc", threshold="0.5")
    add_criterion(vteam, metric="pdqi9_item_mean", threshold="3.5")
    upload(vteam, add_site(vteam))
    assert tool_codes(vteam) == [tool.CRITERIA_NOT_MET]
    assert "cannot be judged yet" in reason(vteam, tool.CRITERIA_NOT_MET).items[0]
    upload(vteam, load_phase_state(vteam.reload(), "retrospective").sites[0],
           file=pdqi9_file(), kind="pdqi9")  # fmt: skip
    assert tool_codes(vteam) == []


def test_an_override_counts_once_signed_off(vteam):
    add_criterion(vteam, metric="auroc", threshold="0.99")
    upload(vteam, add_site(vteam))
    override = services.record_override(
        project=vteam.reload(), stage=stage(vteam), by=vteam.consultant,
        justification="Used as a second reader only; the criterion was set too high.",
    )  # fmt: skip
    assert tool_codes(vteam) == [tool.CRITERIA_NOT_MET, tool.OVERRIDE_UNSIGNED]
    services.sign_off_override(
        project=vteam.reload(), stage=stage(vteam), override=override, by=vteam.ai_competence
    )
    assert tool_codes(vteam) == []
    request_approval(project=vteam.reload(), by=vteam.clinician)
    project = perform_transition(
        project=vteam.reload(), action=Action.APPROVED, by=vteam.consultant2, comment="ok"
    )
    assert project.state == "prospective_validation"
    # The verdict and the override are in the validation's history.
    recorded = list(
        AuditEvent.objects.filter(project=project, phase="retrospective").values_list(
            "action", flat=True
        )
    )
    assert AuditAction.VERDICT in recorded
    assert recorded[-2:] == [AuditAction.OVERRIDE_RECORDED, AuditAction.OVERRIDE_SIGNED_OFF]
    # ... and in the project's own history, who and why.
    from procurement.models import HistoryEntry

    entries = HistoryEntry.objects.filter(
        project=project, action__in=[Action.VALIDATION_OVERRIDE, Action.VALIDATION_OVERRIDE_SIGNED]
    ).order_by("pk")
    assert [(e.action, e.by) for e in entries] == [
        (Action.VALIDATION_OVERRIDE, vteam.consultant),
        (Action.VALIDATION_OVERRIDE_SIGNED, vteam.ai_competence),
    ]
    assert entries[0].comment.startswith("Used as a second reader")
