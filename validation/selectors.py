"""Reading a phase's validation state: the one place the gate, the panel, the dossier and the
services get it from, in a fixed number of queries."""

from dataclasses import dataclass, field, replace
from datetime import datetime

from .criteria import (
    INCOMPLETE,
    CriterionSpec,
    CriterionVerdict,
    judge,
    overall,
)
from .kinds import DELIVERING, Phase, UploadKind
from .metrics.grouping import SitePart, evaluate_sites
from .models import (
    AuditEvent,
    Criterion,
    EvaluationSite,
    Override,
    PhaseResult,
    ResultUpload,
    Wave,
)


def spec_of(criterion: Criterion) -> CriterionSpec:
    return CriterionSpec(
        id=criterion.pk,
        metric=criterion.metric,
        direction=criterion.direction,
        threshold=criterion.threshold,
        judged_on=criterion.judged_on,
        every_group=criterion.every_group,
    )


@dataclass
class PhaseState:
    phase: str
    sites: list[EvaluationSite]
    history: list[Criterion]  # every version, oldest first
    criteria: list[Criterion]  # the current ones
    uploads: list[ResultUpload]  # every upload, oldest first (without their data)
    results: dict
    verdicts: list[CriterionVerdict]
    overrides: list[Override]
    events: list[AuditEvent] = field(default_factory=list)
    waves: list[Wave] = field(default_factory=list)

    @property
    def expected_sites(self) -> list[str]:
        return expected_sites(self.phase, self.sites, self.waves)

    def site_results(self) -> dict[str, list[str]]:
        """Site name -> the kinds of results it has in this phase (current uploads only)."""
        active = self.active_upload_ids
        kinds: dict[str, list[str]] = {}
        for upload in self.uploads:
            if upload.pk in active and upload.kind not in kinds.setdefault(upload.site.name, []):
                kinds[upload.site.name].append(upload.kind)
        return kinds

    @property
    def locked_at(self) -> datetime | None:
        """Criteria lock when the phase's first results are uploaded."""
        return self.uploads[0].uploaded_at if self.uploads else None

    @property
    def is_locked(self) -> bool:
        return bool(self.uploads)

    @property
    def has_results(self) -> bool:
        return bool(self.results)

    @property
    def overall(self) -> str:
        return overall(self.verdicts, self.has_results)

    @property
    def signed_override(self) -> Override | None:
        return next((o for o in reversed(self.overrides) if o.is_signed_off), None)

    @property
    def pending_override(self) -> Override | None:
        return next((o for o in self.overrides if not o.is_signed_off), None)

    @property
    def gate_open(self) -> bool:
        return self.signed_override is not None or self.overall == "met"

    @property
    def active_upload_ids(self) -> set[int]:
        latest: dict[tuple[int, str], int] = {}
        for upload in self.uploads:
            latest[(upload.site_id, upload.kind)] = upload.pk
        return set(latest.values())

    @property
    def is_demo(self) -> bool:
        return any(upload.is_demo for upload in self.uploads)


def current_criteria(history: list[Criterion]) -> list[Criterion]:
    replaced = {c.replaces_id for c in history if c.replaces_id}
    return [c for c in history if c.pk not in replaced and not c.withdrawn]


def expected_sites(phase: str, sites: list[EvaluationSite], waves: list[Wave]) -> list[str]:
    """The sites meant to deliver results in `phase`: in the prospective phase, those in a wave
    that is running or done. (Sites with results count anyway; the retrospective phase expects no
    particular site.)"""
    if phase != Phase.PROSPECTIVE:
        return []
    started = {wave.number for wave in waves if wave.status in DELIVERING}
    return [site.name for site in sites if site.wave in started]


def load_phase_state(project, phase: str, *, with_events: bool = True) -> PhaseState:
    sites = list(EvaluationSite.objects.filter(project=project))
    waves = list(Wave.objects.filter(project=project))
    history = list(
        Criterion.objects.filter(project=project, phase=phase).select_related("created_by")
    )
    uploads = list(
        ResultUpload.objects.filter(project=project, phase=phase)
        .defer("data")
        .select_related("site", "uploaded_by")
    )
    stored = PhaseResult.objects.filter(project=project, phase=phase).first()
    results = stored.data if stored else {}
    criteria = current_criteria(history)
    expected = expected_sites(phase, sites, waves)
    verdicts = [judge(spec_of(criterion), results, expected) for criterion in criteria]
    overrides = list(
        Override.objects.filter(project=project, phase=phase).select_related(
            "recorded_by", "signed_off_by"
        )
    )
    events = load_events(project, phase) if with_events else []
    return PhaseState(
        phase, sites, history, criteria, uploads, results, verdicts, overrides, events, waves
    )


def load_events(project, phase: str) -> list[AuditEvent]:
    """The phase's audit events (and the project's own, phase ""), oldest first."""
    return list(
        AuditEvent.objects.filter(project=project, phase__in=[phase, ""]).select_related("by")
    )


def with_events(state: PhaseState, project) -> PhaseState:
    """A state read without its events (for the gate), with them."""
    return replace(state, events=load_events(project, state.phase))


def compute_results(project, phase: str, kinds: list[str] | None = None) -> dict:
    """The phase's results from the latest upload of each kind at each site (only for `kinds`,
    when given: the other kinds' results do not depend on that upload)."""
    kinds = kinds or UploadKind.values
    latest: dict[tuple[int, str], ResultUpload] = {}
    uploads = ResultUpload.objects.filter(project=project, phase=phase, kind__in=kinds)
    for upload in uploads.select_related("site"):
        latest[(upload.site_id, upload.kind)] = upload
    results = {}
    for kind in kinds:
        uploads = sorted(
            (u for (site_id, k), u in latest.items() if k == kind),
            key=lambda u: (u.site.wave, u.site.name),
        )
        if not uploads:
            continue
        parts = [
            SitePart(
                site_id=upload.site_id,
                site_name=upload.site.name,
                wave=upload.site.wave,
                columns=upload.data["columns"],
                subgroups=upload.data["subgroups"],
                threshold=float(upload.threshold) if upload.threshold is not None else None,
            )
            for upload in uploads
        ]
        results[kind] = evaluate_sites(kind, parts)
        results[kind]["uploads"] = [upload.pk for upload in uploads]
    return results


def verdict_snapshot(state: PhaseState) -> dict:
    """The verdict as data, for the audit trail and the dossier."""
    return {
        "overall": state.overall if state.criteria else INCOMPLETE,
        "criteria": [
            {
                "criterion_id": verdict.spec.id,
                "status": verdict.status,
                "judged": verdict.pooled.judged if verdict.pooled else None,
                "failing": [group.label for group in verdict.failing],
            }
            for verdict in state.verdicts
        ],
    }
