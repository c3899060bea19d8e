"""Writes: the business case. Views and the demo data go through here."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F

from procurement.models import Project

from .business_case import BusinessCaseInput
from .models import BusinessCase
from .permissions import can_edit_business_case
from .selectors import roles_of


def save_business_case(*, project: Project, by, case: BusinessCaseInput) -> BusinessCase:
    """Store a validated business case for the project (create it or replace its content).

    The project row is locked first, and permission is checked after the lock, so a case cannot
    be written into a project that was stopped or retired a moment earlier. Amounts are stored as
    text so no kroner are lost to floating point."""
    with transaction.atomic():
        locked = Project.objects.select_for_update().select_related("pathway").get(pk=project.pk)
        if not can_edit_business_case(locked, by, roles_of(locked, by)):
            raise PermissionDenied
        fields = {
            "horizon_years": case.horizon_years,
            "discount_rate": case.discount_rate,
            "lines": stored_lines(case),
            "updated_by": by,
        }
        existing = BusinessCase.objects.filter(project=locked).first()
        if existing is None:
            return BusinessCase.objects.create(project=locked, **fields)
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.revision = F("revision") + 1
        existing.save()
        existing.refresh_from_db()
        return existing


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
