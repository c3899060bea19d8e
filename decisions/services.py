"""Writes: the business case. Views and the demo data go through here."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F

from procurement import journal
from procurement.guards import lock_project, require_tool_open
from procurement.models import Action, Project
from procurement.permissions import roles_of

from .business_case import BUSINESS_CASE_TOOL, BusinessCaseInput
from .models import BusinessCase
from .permissions import can_edit_business_case


def save_business_case(
    *, project: Project, by, case: BusinessCaseInput, seen_state: str | None = None
) -> BusinessCase:
    """Store a validated business case for the project (create it or replace its content), and
    journal the old and new content.

    The project row is locked first; permission and the stage are checked after the lock, so a
    case cannot be written into a project that was stopped a moment earlier, nor once the
    business case's stage is approved (ValidationError; nothing is written). Saving the same
    content again writes nothing. Amounts are stored as text so no kroner are lost to floating
    point."""
    with transaction.atomic():
        locked = lock_project(project)
        if not can_edit_business_case(locked, by, roles_of(locked, by)):
            raise PermissionDenied
        require_tool_open(locked, BUSINESS_CASE_TOOL, seen_state=seen_state)
        fields = {
            "horizon_years": case.horizon_years,
            "discount_rate": case.discount_rate,
            "lines": stored_lines(case),
        }
        existing = BusinessCase.objects.filter(project=locked).first()
        before = case_data(existing) if existing is not None else None
        if existing is None:
            result = BusinessCase.objects.create(project=locked, updated_by=by, **fields)
        else:
            if before == case_data(BusinessCase(**fields)):
                return existing
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.updated_by = by
            existing.revision = F("revision") + 1
            existing.save()
            existing.refresh_from_db()
            result = existing
        journal.record(
            project=locked,
            action=Action.BUSINESS_CASE_SAVED,
            by=by,
            subject=BUSINESS_CASE_TOOL,
            stage_key=_tool_stage_key(locked),
            before=before,
            after=case_data(result),
        )
        return result


def _tool_stage_key(project: Project) -> str:
    stage = project.tool_stage(BUSINESS_CASE_TOOL)
    return stage.key if stage is not None else ""


def case_data(case: BusinessCase) -> dict:
    """What the journal keeps of a business case."""
    return {
        "horizon_years": case.horizon_years,
        "discount_rate": f"{Decimal(case.discount_rate):.6f}",
        "lines": case.lines,
    }


def stored_lines(case: BusinessCaseInput) -> list[dict]:
    return [
        {
            "kind": line.kind,
            "label": line.label,
            "owner": line.owner,
            "low": [str(v) for v in line.low],
            "expected": [str(v) for v in line.expected],
            "high": [str(v) for v in line.high],
        }
        for line in case.lines
    ]
