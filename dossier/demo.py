"""Demo requirements lists for the seed's cases (dossier/demo/requirements.yaml), added through
the service when a demo case passes a stage that has the requirements_list tool, so the gate
sees a complete list."""

from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml
from django.db import transaction

from accounts.models import User
from checklists.models import ChecklistItem
from procurement.models import Project

from . import requirements as service
from .models import Requirement
from .permissions import can_edit_requirements

REQUIREMENTS_FILE = Path(__file__).resolve().parent / "demo" / "requirements.yaml"
TOOL = "requirements_list"


@cache
def _demo_lists() -> dict:
    return yaml.safe_load(REQUIREMENTS_FILE.read_text(encoding="utf-8"))["cases"]


def add_demo_requirements(project: Project, case: dict, stage_key: str) -> None:
    stage = project.stage(stage_key)
    if stage is None or TOOL not in stage.tools:
        return
    if Requirement.objects.filter(project=project).exists():
        return
    rows = _demo_lists().get(case.get("slug"), _demo_lists()["default"])
    by = User.objects.filter(username="indkoeb").first() or project.owner
    if not can_edit_requirements(project, by):
        by = project.owner
    items = {
        item.key: item for item in ChecklistItem.objects.filter(stage__pathway=project.pathway)
    }
    with transaction.atomic():
        for row in rows:
            item = items.get(row.get("source", ""))
            service.add_requirement(
                project=project,
                by=by,
                text=row["text"],
                kind=row["kind"],
                weight=Decimal(str(row["weight"])) if "weight" in row else None,
                verification=row.get("verification", ""),
                source_stage=item.stage if item else stage,
                source_item=item,
            )
