"""The stored progress of each project's current stage (`ProjectProgress`), kept by the journal.

`journal.record` calls `refresh_progress` for every entry whose action can change what the gate
says of the current stage (an answer, a sign-off, a transition, a pathway change, a new
project), in the change's own transaction and after the change is written: a change
that rolls back takes its progress with it. The row is made from the gate's own evaluation
(`gates.load_stage_statuses`), so there is no second rule of what is missing; `summarise` is also
what the dashboard reads for a status it has loaded, so both give the same numbers.
"""

from collections import Counter

from .gates import StageStatus, load_stage_statuses
from .models import TRANSITIONS, Action, Project, ProjectProgress

# The journalled actions after which the current stage's checklist may read differently. Team,
# deadline and stage-tool changes are not here: the counts are kept per role, and who holds a
# role is read when the progress is read.
PROGRESS_ACTIONS = frozenset(
    {
        Action.CREATED,
        Action.ANSWERED,
        Action.EVIDENCE_UPLOADED,
        Action.SIGNED_OFF,
        Action.UPGRADED,
        *TRANSITIONS,
    }
)
FIELDS = (
    "stage_key",
    "answered",
    "applicable",
    "required_missing",
    "missing_by_role",
    "signoffs_by_role",
)


def summarise(status: StageStatus) -> dict:
    """The progress fields of a project from its current stage's status (pure). An approval
    request is not among them: it is the project's own field (`approval_requested_by`)."""
    missing = Counter(s.item.role for s in status.items if s.missing)
    to_sign = Counter(s.item.signoff_role for s in status.items if s.answered and s.signoff_missing)
    return {
        "stage_key": status.stage.key if status.stage is not None else "",
        "answered": status.answered_count,
        "applicable": len(status.applicable_items),
        "required_missing": sum(missing.values()),
        "missing_by_role": dict(sorted(missing.items())),
        "signoffs_by_role": dict(sorted(to_sign.items())),
    }


def fields_of(progress: ProjectProgress) -> dict:
    return {name: getattr(progress, name) for name in FIELDS}


def waiting_for(progress: dict, roles: set[str], *, is_owner: bool) -> tuple[int, int]:
    """What awaits a person holding `roles` on the project, from its progress fields (`summarise`
    or `fields_of`): required items to answer (the owner may answer them all) and sign-offs to
    give."""
    if is_owner:
        items = progress["required_missing"]
    else:
        items = sum(progress["missing_by_role"].get(role, 0) for role in roles)
    return items, sum(progress["signoffs_by_role"].get(role, 0) for role in roles)


def computed_progress(projects: list[Project]) -> dict[int, dict]:
    """Fresh progress fields for the projects (the gate's loader, four queries)."""
    statuses = load_stage_statuses(projects, overview=True, checklist_only=True)
    return {project.pk: summarise(statuses[project.pk]) for project in projects}


def refresh_progress(project: Project) -> None:
    """Rewrite one project's progress from the database as it is now in this transaction."""
    fields = computed_progress([project])[project.pk]
    if not ProjectProgress.objects.filter(project_id=project.pk).update(**fields):
        ProjectProgress.objects.create(project_id=project.pk, **fields)


def rebuild_progress(projects=None, *, batch: int = 200) -> int:
    """Recompute the progress of the projects of a queryset (all by default), in batches;
    returns how many rows were missing or differed from the fresh computation and were
    rewritten."""
    keys = list(
        (Project.objects.all() if projects is None else projects).values_list("pk", flat=True)
    )
    changed = 0
    for start in range(0, len(keys), batch):
        chunk = list(
            Project.objects.filter(pk__in=keys[start : start + batch])
            .select_related("pathway")
            .prefetch_related("pathway__stages")
        )
        changed += _rebuild(chunk)
    return changed


def _rebuild(projects: list[Project]) -> int:
    fresh = computed_progress(projects)
    stored = {
        row.project_id: row
        for row in ProjectProgress.objects.filter(project_id__in=[p.pk for p in projects])
    }
    changed = 0
    for project_id, fields in fresh.items():
        row = stored.get(project_id)
        if row is not None and all(getattr(row, name) == fields[name] for name in FIELDS):
            continue
        ProjectProgress.objects.update_or_create(project_id=project_id, defaults=fields)
        changed += 1
    return changed
