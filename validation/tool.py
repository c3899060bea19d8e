"""The `validation` stage tool: its panel on the retrospective and prospective validation
stages, its gate reasons and its part of the dossier. The phase comes from the stage's key."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from checklists.extensions import StageTool
from checklists.roles import Role
from procurement.gates import Reason

from .criteria import MET, NOT_EVALUABLE, describe
from .forms import CriterionForm, OverrideForm, SiteForm, UploadForm, WaveForm, WithdrawForm
from .kinds import UploadKind, phase_for_stage_key
from .parsing import FORMAT_HELP
from .permissions import can_contribute, can_override, can_sign_off_override
from .presentation import describe_event, phase_label
from .report import build_sections, criterion_rows, overall_status
from .selectors import PhaseState, load_phase_state, spec_of, verdict_snapshot, with_events

NAME = "validation"

# Gate reason codes.
NO_CRITERIA = "validation_no_criteria"
NO_RESULTS = "validation_no_results"
CRITERIA_NOT_MET = "validation_criteria_not_met"
OVERRIDE_UNSIGNED = "validation_override_unsigned"


def gate_reasons_for(state: PhaseState) -> list[Reason]:
    """Why the phase's stage may not be approved yet: no criteria, no results, criteria not
    met — unless an override has been signed off by the AI competence unit."""
    if state.signed_override is not None:
        return []
    phase = phase_label(state.phase)
    reasons = []
    if not state.criteria:
        reasons.append(
            Reason(
                NO_CRITERIA,
                _("No acceptance criteria are defined for the %(phase)s.") % {"phase": phase},
                role=Role.AI_COMPETENCE,
            )
        )
    if not state.uploads:
        reasons.append(
            Reason(
                NO_RESULTS,
                _("No results have been uploaded for the %(phase)s.") % {"phase": phase},
                role=Role.AI_COMPETENCE,
            )
        )
    elif state.criteria:
        failing = [v for v in state.verdicts if v.status != MET]
        if failing:
            reasons.append(
                Reason(
                    CRITERIA_NOT_MET,
                    ngettext(
                        "%(count)d acceptance criterion is not met",
                        "%(count)d acceptance criteria are not met",
                        len(failing),
                    )
                    % {"count": len(failing)},
                    items=tuple(_failing_text(verdict) for verdict in failing),
                )
            )
    if state.pending_override is not None:
        reasons.append(
            Reason(
                OVERRIDE_UNSIGNED,
                _("An override is waiting for sign-off by the AI competence unit."),
                role=Role.AI_COMPETENCE,
            )
        )
    return reasons


def _failing_text(verdict) -> str:
    text = describe(verdict.spec)
    if verdict.status == NOT_EVALUABLE and verdict.pooled is None:
        return text + " – " + _("cannot be judged yet (no results of this kind)")
    missing = [group.label for group in verdict.undecided]
    if verdict.status == NOT_EVALUABLE and missing:
        return (
            text
            + " – "
            + _("not decided: no results yet from %(groups)s")
            % {"groups": ", ".join(missing[:8]) + (" …" if len(missing) > 8 else "")}
        )
    if verdict.status == NOT_EVALUABLE:
        return text + " – " + _("cannot be judged yet (too few results)")
    if verdict.failing:
        return (
            text
            + " – "
            + _("not met by: %(groups)s")
            % {"groups": ", ".join(group.label for group in verdict.failing[:8])}
        )
    return text


class ValidationTool(StageTool):
    name = NAME
    item_keys = ()

    def gate_reasons(self, *, project, stage, status) -> list[Reason]:
        state = load_phase_state(project, phase_for_stage_key(stage.key), with_events=False)
        status.tool_data[self.name] = state  # the panel on the same page shows this state
        return gate_reasons_for(state)

    def context(self, *, project, stage, user, status) -> dict:
        state = status.tool_data.get(self.name)
        if not isinstance(state, PhaseState) or state.phase != phase_for_stage_key(stage.key):
            state = None
        return panel_context(
            project=project, stage=stage, user=user, roles=status.roles_of(user), state=state
        )

    def dossier_data(self, *, project, stage) -> dict | None:
        state = load_phase_state(project, phase_for_stage_key(stage.key))
        if not (state.history or state.uploads or state.overrides):
            return None
        return dossier_data(state)


def _urls(project, stage) -> dict:
    args = [project.pk, stage.key]
    return {
        name: reverse(f"validation:{name}", args=args)
        for name in ("site_add", "wave_save", "criterion_add", "upload", "override")
    }


def panel_context(
    *, project, stage, user, roles: set[str], state: PhaseState | None = None
) -> dict:
    """The panel's context; `state` is the phase's state as the gate just read it (without its
    events), when the caller has it."""
    phase = phase_for_stage_key(stage.key)
    state = load_phase_state(project, phase) if state is None else with_events(state, project)
    current = project.current_stage
    is_current = project.is_active and current is not None and current.pk == stage.pk
    contributor = is_current and can_contribute(project, user, roles)
    pending = state.pending_override
    overrides = (
        is_current and can_override(project, user, roles) and not state.gate_open and not pending
    )
    signs_off = (
        is_current
        and pending is not None
        and can_sign_off_override(project, user, roles)
        and pending.recorded_by_id != user.pk  # never one's own override
    )
    overall_code, overall_label, overall_class = overall_status(state)
    rows = criterion_rows(state)
    if contributor:
        for row in rows:
            criterion = row.criterion
            row.change_form = CriterionForm(
                auto_id=f"id_criterion{criterion.pk}_%s",
                initial={
                    "metric": criterion.metric,
                    "direction": criterion.direction,
                    "threshold": format(criterion.threshold.normalize(), "f"),
                    "judged_on": criterion.judged_on,
                    "every_group": criterion.every_group,
                },
            )
            row.withdraw_form = WithdrawForm(auto_id=f"id_withdraw{criterion.pk}_%s")
            row.change_url = reverse(
                "validation:criterion_change", args=[project.pk, stage.key, criterion.pk]
            )
            row.withdraw_url = reverse(
                "validation:criterion_withdraw", args=[project.pk, stage.key, criterion.pk]
            )
    active = state.active_upload_ids
    sites = site_rows(state)
    return {
        "site_rows": sites,
        "sites_with_results": sum(1 for row in sites if row["results"]),
        "sites_missing": sum(1 for row in sites if row["missing"]),
        "waves": state.waves,
        "wave_form": WaveForm(auto_id="id_wave_%s") if contributor else None,
        "project": project,
        "stage": stage,
        "phase": phase,
        "phase_label": phase_label(phase),
        "state": state,
        "overall": overall_code,
        "overall_label": overall_label,
        "overall_class": overall_class,
        "criteria_rows": rows,
        "history": [{"criterion": c, "description": describe(spec_of(c))} for c in state.history],
        "sections": build_sections(state),
        "uploads": [
            {
                "upload": upload,
                "active": upload.pk in active,
                "url": reverse("validation:upload_download", args=[project.pk, upload.pk]),
            }
            for upload in state.uploads
        ],
        "events": [
            {"event": event, "text": describe_event(event)} for event in reversed(state.events)
        ],
        "gate_reasons": gate_reasons_for(state),
        "is_current": is_current,
        "can_contribute": contributor,
        "can_override": overrides,
        "can_sign_off": signs_off,
        "sign_off_url": reverse(
            "validation:override_sign_off", args=[project.pk, stage.key, pending.pk]
        )
        if pending
        else "",
        "site_form": SiteForm(auto_id="id_site_%s") if contributor else None,
        "criterion_form": CriterionForm(auto_id="id_criterion_%s") if contributor else None,
        "upload_form": UploadForm(project=project, auto_id="id_upload_%s")
        if contributor and state.sites
        else None,
        "override_form": OverrideForm(auto_id="id_override_%s"),
        "format_help": [
            {
                "label": UploadKind(kind).label,
                "text": text,
                "csv": reverse("validation:upload_template", args=[kind, "csv"]),
                "xlsx": reverse("validation:upload_template", args=[kind, "xlsx"]),
            }
            for kind, text in FORMAT_HELP.items()
        ],
        "urls": _urls(project, stage),
    }


def site_rows(state: PhaseState) -> list[dict]:
    """Each site with its wave and which results it has in this phase, and whether it is meant to
    deliver them now (its wave is running or done) but has not."""
    waves = {wave.number: wave for wave in state.waves}
    results = state.site_results()
    expected = set(state.expected_sites)
    rows = []
    for site in state.sites:
        kinds = results.get(site.name, [])
        rows.append(
            {
                "site": site,
                "wave": waves.get(site.wave),
                "results": [UploadKind(kind).label for kind in kinds],
                "missing": site.name in expected and not kinds,
            }
        )
    return rows


def dossier_data(state: PhaseState) -> dict:
    """The phase as JSON-able data for the dossier (and its dossier.json): sites, criteria with
    their history, uploads with checksums, results, verdicts, figures, override and audit trail."""
    overall_code, overall_label, _class = overall_status(state)
    sections = build_sections(state)
    signed = state.signed_override
    return {
        "phase": str(state.phase),
        "phase_label": phase_label(state.phase),
        "demonstration_data": state.is_demo,
        "verdict": overall_code,
        "verdict_label": overall_label,
        "verdicts": verdict_snapshot(state),
        "criteria_locked_at": state.locked_at.isoformat() if state.locked_at else None,
        "criteria": [row.as_dict() for row in criterion_rows(state)],
        "criteria_history": [
            {
                "id": c.pk,
                "replaces": c.replaces_id,
                "withdrawn": c.withdrawn,
                "description": describe(spec_of(c)),
                "changed_after_lock": c.after_lock,
                "reason": c.reason,
                "by": str(c.created_by),
                "at": c.created_at.isoformat(),
            }
            for c in state.history
        ],
        "sites": [
            {
                "name": s.name,
                "kind": s.kind,
                "department": s.department,
                "wave": s.wave,
                "demonstration": s.is_demo,
            }
            for s in state.sites
        ],
        "uploads": [
            {
                "site": u.site.name,
                "kind": u.kind,
                "file": u.original_name,
                "sha256": u.sha256,
                "size": u.size,
                "rows": u.row_count,
                "threshold": str(u.threshold) if u.threshold is not None else None,
                "demonstration": u.is_demo,
                "by": str(u.uploaded_by),
                "at": u.uploaded_at.isoformat(),
                "used": u.pk in state.active_upload_ids,
            }
            for u in state.uploads
        ],
        "results": state.results,
        "tables": [{"section": s.title, **t.as_dict()} for s in sections for t in s.tables],
        "notes": [note for s in sections for note in s.notes],
        "figures": [figure.as_dict() for s in sections for figure in s.figures],
        "override": _override_data(signed) if signed else None,
        "overrides": [_override_data(override) for override in state.overrides],
        "history": [
            {"action": e.action, "by": str(e.by), "at": e.at.isoformat(), "text": describe_event(e)}
            for e in state.events
        ],
    }


def _override_data(override) -> dict:
    return {
        "justification": override.justification,
        "recorded_by": str(override.recorded_by),
        "recorded_at": override.recorded_at.isoformat(),
        "signed_off_by": str(override.signed_off_by) if override.is_signed_off else None,
        "signed_off_at": override.signed_off_at.isoformat() if override.is_signed_off else None,
    }
