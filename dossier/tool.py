"""The `requirements_list` stage tool: the requirements specification as a panel on the stage
page, with its own gate reasons and its part of the dossier."""

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from checklists.extensions import StageTool
from checklists.models import Stage
from procurement.downloads import file_name_part
from procurement.guards import tool_is_open
from procurement.models import Project

from .forms import RequirementForm, initial_for, source_choices
from .models import Requirement
from .permissions import can_edit_requirements
from .requirements import (
    TOOL_NAME,
    award_weight_total,
    format_percent,
    list_problems,
    project_requirements,
)
from .word import requirements_docx


@dataclass
class RequirementRow:
    requirement: Requirement
    form: RequirementForm | None
    saved: bool = False
    first: bool = False
    last: bool = False


def requirements_panel(
    project: Project,
    user,
    *,
    bound: RequirementForm | None = None,
    bound_pk: int | None = None,
    new_form: RequirementForm | None = None,
    saved_pk: int | None = None,
) -> dict[str, Any]:
    """The panel's context. `bound` is a submitted form with errors for requirement `bound_pk`
    (or, with `new_form`, for the add form), shown in place of a fresh one."""
    requirements = project_requirements(project)
    frozen = project.is_active and not tool_is_open(project, TOOL_NAME)
    editable = can_edit_requirements(project, user) and not frozen
    choices = source_choices(project) if editable else None
    rows = []
    for requirement in requirements:
        form = None
        if editable:
            form = (
                bound
                if bound is not None and bound_pk == requirement.pk
                else RequirementForm(
                    project=project,
                    choices=choices,
                    prefix=f"req{requirement.pk}",
                    initial=initial_for(requirement),
                )
            )
        rows.append(RequirementRow(requirement, form, saved=saved_pk == requirement.pk))
    if rows:
        rows[0].first = rows[-1].last = True
    if editable and new_form is None:
        new_form = RequirementForm(
            project=project, choices=choices, prefix="new", initial={"kind": "minimum"}
        )
    return {
        "project": project,
        "rows": rows,
        "can_edit": editable,
        "frozen": frozen,
        "new_form": new_form if editable else None,
        **requirements_summary(requirements),
    }


def requirements_summary(requirements: list[Requirement]) -> dict[str, Any]:
    return {
        "problems": list_problems(requirements),
        "minimum_count": sum(1 for r in requirements if not r.is_award),
        "award_count": sum(1 for r in requirements if r.is_award),
        "award_total": format_percent(award_weight_total(requirements)),
    }


def requirements_data(requirements: list[Requirement]) -> dict[str, Any]:
    """The list as JSON-able data, for dossier.json (and the dossier's template)."""
    problems = list_problems(requirements)
    summary = requirements_summary(requirements)
    minimum, award = summary["minimum_count"], summary["award_count"]
    return {
        "requirements": [
            {
                "number": r.position,
                "text": r.text,
                "kind": r.kind,
                "kind_label": str(r.get_kind_display()),
                "weight": r.weight,
                "weight_label": format_percent(r.weight) if r.weight is not None else "",
                "verification": r.verification,
                "source_stage": r.source_stage.key if r.source_stage_id else None,
                "source_item": r.source_item.key if r.source_item_id else None,
                "source_label": r.source_label,
                "source_ref": r.source_ref,
            }
            for r in requirements
        ],
        "award_weight_total": award_weight_total(requirements),
        "valid": not problems,
        "problems": [reason.message for reason in problems],
        "summary": _("%(minimum)s and %(award)s; the weights add up to %(total)s %%.")
        % {
            "minimum": ngettext(
                "%(count)d minimum requirement", "%(count)d minimum requirements", minimum
            )
            % {"count": minimum},
            "award": ngettext("%(count)d award criterion", "%(count)d award criteria", award)
            % {"count": award},
            "total": summary["award_total"],
        },
    }


class RequirementsListTool(StageTool):
    name = TOOL_NAME
    item_keys = ()  # a requirement may cite any item as its source; none is read by key

    def context(self, *, project: Project, stage: Stage, user, status) -> dict[str, Any]:
        return requirements_panel(project, user)

    def gate_reasons(self, *, project: Project, stage: Stage, status) -> list:
        return list_problems(project_requirements(project))

    def dossier_data(self, *, project: Project, stage: Stage) -> dict[str, Any] | None:
        requirements = project_requirements(project)
        return requirements_data(requirements) if requirements else None


def requirements_specification(project: Project) -> tuple[bytes, str]:
    """The requirements specification as Word and its file name (the page's download and the
    API's)."""
    requirements = project_requirements(project)
    content = requirements_docx(
        project, requirements, summary=requirements_summary(requirements), at=timezone.now()
    )
    return content, f"kravspecifikation-{file_name_part(project.title) or project.pk}.docx"
