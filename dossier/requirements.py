"""The requirements specification: a project's ordered list of minimum requirements and award
criteria, kept in the requirements stage and exported to Word and the dossier.

Reads (`list_problems`, `award_weight_total`) are pure; writes lock the project row, re-check the
person's right to edit after the lock, and keep the numbering 1..n without gaps.
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from checklists.models import ChecklistItem, Stage
from checklists.roles import Role
from procurement import journal
from procurement.gates import Reason
from procurement.guards import lock_project, require_tool_open
from procurement.models import Action, Project

from .models import Requirement
from .permissions import can_edit_requirements

# Reason codes, kept as constants so tests and templates can rely on them.
LIST_EMPTY = "requirements_empty"
WEIGHTS_NOT_100 = "requirements_weights"

EMPTY_MESSAGE = gettext_noop(
    "The requirements list is empty: add the minimum requirements and the award criteria."
)
WEIGHTS_MESSAGE = gettext_noop(
    "The weights of the award criteria add up to %(total)s %%; they must add up to 100 %%."
)
NOT_ACTIVE_MESSAGE = gettext_noop("The project is not active: the requirements can't be changed.")

HUNDRED = Decimal(100)


def format_percent(value: Decimal) -> str:
    """12.50 -> "12,5" in Danish, "12.5" in English; whole numbers without decimals."""
    normalized = value.normalize()
    places = max(0, -normalized.as_tuple().exponent)
    return number_format(normalized, decimal_pos=places, use_l10n=True)


def award_weight_total(requirements: list[Requirement]) -> Decimal:
    return sum((r.weight or Decimal(0) for r in requirements if r.is_award), Decimal(0))


def list_problems(requirements: list[Requirement]) -> list[Reason]:
    """Why the list is not ready for a tender (an empty list means it is)."""
    if not requirements:
        return [Reason(LIST_EMPTY, _(EMPTY_MESSAGE), role=Role.PROCUREMENT)]
    total = award_weight_total(requirements)
    if total != HUNDRED:
        return [
            Reason(
                WEIGHTS_NOT_100,
                _(WEIGHTS_MESSAGE) % {"total": format_percent(total)},
                role=Role.PROCUREMENT,
            )
        ]
    return []


def project_requirements(project: Project) -> list[Requirement]:
    return list(
        Requirement.objects.filter(project=project).select_related(
            "source_stage", "source_item__stage"
        )
    )


TOOL_NAME = "requirements_list"


def _lock(project: Project, by, seen_state: str | None = None) -> Project:
    """The locked project, once the person may edit the list and its stage is not approved."""
    locked = lock_project(project)
    if not locked.is_active:
        raise PermissionDenied(_(NOT_ACTIVE_MESSAGE))
    if not can_edit_requirements(locked, by):
        raise PermissionDenied
    require_tool_open(locked, TOOL_NAME, seen_state=seen_state)
    return locked


def requirement_data(requirement: Requirement) -> dict:
    """What the journal keeps of a requirement."""
    return {
        "position": requirement.position,
        "text": requirement.text,
        "kind": requirement.kind,
        "weight": None if requirement.weight is None else str(requirement.weight),
        "verification": requirement.verification,
        "source_stage": requirement.source_stage.key if requirement.source_stage_id else "",
        "source_item": requirement.source_item.key if requirement.source_item_id else "",
    }


def _journal(project: Project, action: str, by, *, before=None, after=None, subject="") -> None:
    stage = project.tool_stage(TOOL_NAME)
    journal.record(
        project=project,
        action=action,
        by=by,
        subject=subject,
        stage_key=stage.key if stage is not None else "",
        before=before,
        after=after,
    )


def _check_source(project: Project, stage: Stage | None, item: ChecklistItem | None) -> None:
    if stage is not None and stage.pathway_id != project.pathway_id:
        raise ValidationError(_("Choose a stage of this project's pathway."))
    if item is not None and item.stage.pathway_id != project.pathway_id:
        raise ValidationError(_("Choose an item of this project's pathway."))


def _fields(kind: str, weight: Decimal | None, stage, item) -> dict:
    if kind not in Requirement.Kind.values:
        raise ValidationError(_("Unknown kind of requirement."))
    if kind == Requirement.Kind.AWARD and (weight is None or not 0 < weight <= HUNDRED):
        raise ValidationError(_("An award criterion needs a weight above 0 and at most 100 %."))
    return {
        "kind": kind,
        "weight": weight if kind == Requirement.Kind.AWARD else None,
        # An item's stage is its source stage too, so the list can be grouped by stage.
        "source_stage": item.stage if item is not None else stage,
        "source_item": item,
    }


def add_requirement(
    *,
    project: Project,
    by,
    text: str,
    kind: str,
    weight: Decimal | None = None,
    verification: str = "",
    source_stage: Stage | None = None,
    source_item: ChecklistItem | None = None,
) -> Requirement:
    """Append a requirement to the end of the list."""
    fields = _fields(kind, weight, source_stage, source_item)
    with transaction.atomic():
        locked = _lock(project, by)
        _check_source(locked, fields["source_stage"], source_item)
        last = Requirement.objects.filter(project=locked).order_by("-position").first()
        requirement = Requirement.objects.create(
            project=locked,
            position=(last.position + 1) if last else 1,
            text=text.strip(),
            verification=verification.strip(),
            created_by=by,
            updated_by=by,
            **fields,
        )
        _journal(
            locked,
            Action.REQUIREMENT_ADDED,
            by,
            after=requirement_data(requirement),
            subject=f"#{requirement.position}",
        )
        return requirement


def update_requirement(
    *,
    requirement: Requirement,
    by,
    text: str,
    kind: str,
    weight: Decimal | None = None,
    verification: str = "",
    source_stage: Stage | None = None,
    source_item: ChecklistItem | None = None,
) -> Requirement:
    fields = _fields(kind, weight, source_stage, source_item)
    with transaction.atomic():
        locked = _lock(requirement.project, by)
        _check_source(locked, fields["source_stage"], source_item)
        current = Requirement.objects.select_for_update().get(pk=requirement.pk, project=locked)
        before = requirement_data(current)
        current.text = text.strip()
        current.verification = verification.strip()
        for name, value in fields.items():
            setattr(current, name, value)
        after = requirement_data(current)
        if after == before:
            return current  # nothing changed: nothing to save or record
        current.updated_by = by
        current.save()
        _journal(
            locked,
            Action.REQUIREMENT_CHANGED,
            by,
            before=before,
            after=after,
            subject=f"#{current.position}",
        )
        return current


def move_requirement(*, requirement: Requirement, by, offset: int) -> None:
    """Move a requirement up (-1) or down (+1) the list; at either end nothing happens."""
    with transaction.atomic():
        locked = _lock(requirement.project, by)
        rows = list(Requirement.objects.select_for_update().filter(project=locked))
        index = next(i for i, row in enumerate(rows) if row.pk == requirement.pk)
        other = index + offset
        if not 0 <= other < len(rows):
            return
        rows[index], rows[other] = rows[other], rows[index]
        before = rows[other].position
        _renumber(rows)
        _journal(
            locked,
            Action.REQUIREMENT_MOVED,
            by,
            before={"position": before},
            after={"position": other + 1, "text": rows[other].text},
            subject=f"#{before} → #{other + 1}",
        )


def delete_requirement(*, requirement: Requirement, by) -> None:
    with transaction.atomic():
        locked = _lock(requirement.project, by)
        current = Requirement.objects.filter(pk=requirement.pk, project=locked).first()
        if current is None:
            return  # deleted a moment ago by someone else: nothing left to do or record
        before = requirement_data(current)
        current.delete()
        _renumber(list(Requirement.objects.select_for_update().filter(project=locked)))
        _journal(
            locked,
            Action.REQUIREMENT_REMOVED,
            by,
            before=before,
            subject=f"#{before['position']}",
        )


def _renumber(rows: list[Requirement]) -> None:
    """Give the rows positions 1..n in list order. Moved rows step aside to free positions
    first, since (project, position) is unique and PostgreSQL checks that row by row."""
    changed = [(row, n) for n, row in enumerate(rows, start=1) if row.position != n]
    if not changed:
        return
    offset = max(row.position for row in rows) + len(rows) + 1
    for row, n in changed:
        row.position = offset + n
        row.save(update_fields=["position"])
    for row, n in changed:
        row.position = n
        row.save(update_fields=["position"])
