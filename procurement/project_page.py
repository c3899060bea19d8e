"""What the project pages show: built here from the models and the gate, so the views stay thin
and the same context can feed other presentations (the dossier, later)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial

from django.utils.formats import date_format, number_format
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from checklists.extensions import TOOLS
from checklists.models import ChecklistItem, Stage
from checklists.roles import AnswerType, Role

from .forms import YES_NO_NA_CHOICES, AnswerForm, ReasonForm, ReturnForm, TransitionForm
from .gates import (
    ItemStatus,
    StageStatus,
    blocking_reasons,
    checklist_reasons,
    load_stage_status,
    next_step,
)
from .models import STOPPED, Action, Project
from .pathway_change import archived_answers, may_change_pathway
from .permissions import can_edit_answer, can_manage_team, can_sign_off


@dataclass
class ItemRow:
    status: ItemStatus
    form: AnswerForm | None
    can_edit: bool
    can_sign: bool
    display_value: str
    saved: bool = False
    error: str = ""

    @property
    def item(self) -> ChecklistItem:
        return self.status.item


@dataclass
class ActionPanel:
    action: str
    form: object
    reasons: list


def display_value(item: ChecklistItem, value: str) -> str:
    """An answer as a person reads it, in the active language's format."""
    if not value:
        return ""
    if item.answer_type == AnswerType.YES_NO_NA:
        return str(dict(YES_NO_NA_CHOICES).get(value, value))
    if item.answer_type == AnswerType.CHOICE:
        return item.choice_label(value)
    if item.answer_type == AnswerType.NUMBER:
        return format_number(value, grouping=True)
    if item.answer_type == AnswerType.DATE:
        try:
            return date_format(date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return value
    return value


def format_number(value: str, *, grouping: bool) -> str:
    """A stored number ("1250.5") as the active language writes it ("1.250,5" in Danish with
    grouping, "1250,5" without, for editing), keeping its decimals."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    places = max(0, -number.as_tuple().exponent)
    return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=grouping)


def _row(project, status: StageStatus, item_status: ItemStatus, user, **extra) -> ItemRow:
    item = item_status.item
    answer = item_status.answer
    editable = can_edit_answer(project, status, user, item)
    form = extra.pop("form", None)
    if form is None and editable:
        initial = {}
        if answer is not None and item.answer_type != AnswerType.EVIDENCE:
            value = answer.value
            if item.answer_type == AnswerType.NUMBER:
                value = format_number(value, grouping=False)
            initial = {"value": value, "justification": answer.justification}
        form = AnswerForm(item=item, initial=initial, required=item_status.required)
    return ItemRow(
        status=item_status,
        form=form,
        can_edit=editable,
        can_sign=item_status.answered
        and item_status.signoff_missing
        and can_sign_off(project, status, user, item),
        display_value=display_value(item, answer.value) if answer else "",
        **extra,
    )


def _timeline(project: Project) -> list[dict]:
    current = project.current_stage
    rows = []
    for stage in project.stages:
        if current is None:  # retired: every stage was passed
            state = "done"
        elif stage.order < current.order:
            state = "done"
        elif stage.order == current.order:
            state = "stopped" if project.state == STOPPED else "current"
        else:
            state = "future"
        rows.append({"stage": stage, "state": state})
    return rows


def _actions(project: Project, status: StageStatus, user) -> dict:
    """The transitions this person could take, each with the reasons it is blocked now."""
    roles = status.roles_of(user)
    panels = {}
    is_consultant = Role.INNOVATION_CONSULTANT in roles
    if project.is_active and (user.pk == project.owner_id or is_consultant):
        panels["request"] = ActionPanel(
            Action.APPROVAL_REQUESTED,
            TransitionForm(),
            blocking_reasons(
                project=project, action=Action.APPROVAL_REQUESTED, status=status, user=user
            ),
        )
    if project.approval_requested_by_id:
        panels.pop("request", None)  # already asked: the approval panel or a note says so
    if not is_consultant:
        return panels
    specs = {
        "approve": (Action.APPROVED, TransitionForm, project.is_active),
        "return": (Action.RETURNED, ReturnForm, project.is_active and project.earlier_stages()),
        "stop": (Action.STOPPED, ReasonForm, project.is_active),
        "reopen": (Action.REOPENED, TransitionForm, project.state == STOPPED),
        "retire": (Action.RETIRED, ReasonForm, project.is_in_last_stage),
    }
    for name, (action, form_class, shown) in specs.items():
        if not shown:
            continue
        # Several of these forms share a page: give each its own element ids (names stay).
        ids = {"auto_id": f"id_{name}_%s"}
        form = form_class(project=project, **ids) if form_class is ReturnForm else form_class(**ids)
        reasons = blocking_reasons(project=project, action=action, status=status, user=user)
        panels[name] = ActionPanel(action, form, reasons)
    return panels


def project_context(project: Project, user, *, stage: Stage | None = None) -> dict:
    """Everything the project pages show, for one person."""
    current_status = load_stage_status(project, with_deadlines=True)
    project._stage_status = current_status
    viewing = stage or project.current_stage
    if viewing is not None and project.current_stage and viewing.pk != project.current_stage.pk:
        status = load_stage_status(project, viewing)
    else:
        status = current_status
    rows = [_row(project, status, item_status, user) for item_status in status.items]
    return {
        "tool_panels": tool_panels(project, viewing, user, status),
        "project": project,
        "timeline": _timeline(project),
        "viewing_stage": viewing,
        "is_current_stage": status is current_status and project.is_active,
        "rows": [row for row in rows if row.status.applicable],
        "hidden_count": sum(1 for row in rows if not row.status.applicable),
        "status": status,
        "current_status": current_status,
        "gate": gate_panel(project, current_status),
        "return_notice": current_status.latest_return,
        "actions": _actions(project, current_status, user),
        "next_step": next_step(project, user, current_status),
        "my_roles": [Role(role).label for role in sorted(current_status.roles_of(user))],
        "can_manage_team": can_manage_team(project, user, by_roles=current_status.roles_of(user)),
        "memberships": project.memberships.select_related("user").order_by(
            "role", "user__first_name"
        ),
        # Only the history and pathway-change tabs show them: read when a template does.
        "archived_answers": SimpleLazyObject(partial(archived_answers, project)),
        "newer_version": project.pathway.newer_versions().first()
        if may_change_pathway(project, user)
        else None,
        "can_continue": bool(project.pathway.continues_into)
        and project.is_in_last_stage
        and Role.INNOVATION_CONSULTANT in current_status.roles_of(user),
    }


def tool_panels(project: Project, stage: Stage | None, user, status: StageStatus) -> list[dict]:
    """The stage's tools (named in the pathway file), each as a template and its context."""
    if stage is None:
        return []
    panels = []
    for name in stage.tools:
        tool = TOOLS.get(name)
        if tool is not None:
            context = tool.context(project=project, stage=stage, user=user, status=status)
            panels.append({"name": name, "template": tool.template_name, "context": context})
    return panels


def gate_panel(project: Project, status: StageStatus) -> dict:
    """The "what is missing" panel: the current stage's checklist reasons and what comes next."""
    reasons = checklist_reasons(status) if project.is_active else []
    applicable = status.applicable_items
    notice = status.latest_return
    if not project.is_active:
        headline = _("The project is %(state)s.") % {"state": project.state_label.lower()}
    elif reasons and project.next_stage() is None:
        headline = _("Still open in this last stage (there is no approval here):")
    elif reasons:
        headline = _("Before this stage can be approved:")
    elif project.approval_requested_by_id:
        headline = _("Everything is in place. Waiting for an innovation consultant to approve.")
    elif notice is not None and notice.action == Action.RETURNED:
        headline = _(
            "The stage was sent back: deal with the reason above, then ask for approval again."
        )
    elif project.next_stage() is None:
        headline = _("Everything is in place. This is the last stage: the product is in operation.")
    else:
        headline = _("Everything is in place: the owner can ask for approval.")
    return {
        "headline": headline,
        "reasons": reasons,
        "answered": status.answered_count,
        "total": len(applicable),
        "required_total": sum(1 for s in applicable if s.required),
        "required_answered": sum(1 for s in applicable if s.required and s.answered),
    }


def item_context(
    project: Project, user, item: ChecklistItem, *, form=None, saved=False, error=""
) -> dict:
    """After an inline save or sign-off: the item's fragments and everything on the page that
    depends on the gate (the "what is missing" panel, the decisions, the status badges, the
    journey), from one gate result, so they are swapped together and never disagree."""
    current_status = load_stage_status(project)
    project._stage_status = current_status
    current = project.current_stage
    if current is not None and item.stage_id == current.pk:
        status = current_status
    else:
        status = load_stage_status(project, item.stage)
    item_status = next(s for s in status.items if s.item.pk == item.pk)
    row = _row(project, status, item_status, user, form=form, saved=saved, error=error)
    gate = gate_panel(project, current_status)
    return {
        "project": project,
        "row": row,
        "status": status,
        "gate": gate,
        "actions": _actions(project, current_status, user),
        "timeline": _timeline(project),
        "viewing_stage": item.stage,
    }
