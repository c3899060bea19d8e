"""What the project pages show: built here from the models and the gate, so the views stay thin
and the same context can feed other presentations (the dossier, later)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial

from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.organisations import roles_above
from checklists.extensions import TOOLS
from checklists.models import ChecklistItem, Stage
from checklists.roles import AnswerType, Role

from .forms import YES_NO_NA_CHOICES, AnswerForm, ReasonForm, ReturnForm, TransitionForm
from .gates import (
    REQUIRED_UNANSWERED,
    SIGNOFF_MISSING,
    AvailableActions,
    ItemStatus,
    Reason,
    StageStatus,
    available_actions,
    checklist_reasons,
    load_stage_status,
    next_step,
)
from .models import STOPPED_STATE, Action, Project
from .pathway_change import archived_answers
from .permissions import can_change_pathway, can_edit_answer, can_manage_team, can_sign_off


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
    # The reasons "What is missing?" lists already: the decision panel says so in one line
    # instead of listing them again.
    in_gate_panel: list = field(default_factory=list)

    @property
    def own_reasons(self) -> list:
        return [reason for reason in self.reasons if reason not in self.in_gate_panel]

    @property
    def waits_for_checklist(self) -> bool:
        return any(reason in self.in_gate_panel for reason in self.reasons)


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
            state = "stopped" if project.state == STOPPED_STATE else "current"
        else:
            state = "future"
        rows.append({"stage": stage, "state": state})
    return rows


# The decision panels of the page, by action (the template reads `actions.return_to`, the same
# name as the action's URL): its form and the prefix of its fields' element ids (several forms
# share the page; the request's form has no fields).
ACTION_PANELS = {
    Action.APPROVAL_REQUESTED: (TransitionForm, ""),
    Action.APPROVED: (TransitionForm, "approve"),
    Action.RETURNED: (ReturnForm, "return"),
    Action.STOPPED: (ReasonForm, "stop"),
    Action.REOPENED: (TransitionForm, "reopen"),
    Action.RETIRED: (ReasonForm, "retire"),
}


def _actions(project: Project, actions: AvailableActions, in_gate_panel: list[Reason]) -> dict:
    """The transitions this person is offered, keyed by action, each with the reasons it is
    blocked now; `in_gate_panel` are the reasons "What is missing?" shows already (said there,
    not here)."""
    panels = {}
    for action, (form_class, id_prefix) in ACTION_PANELS.items():
        available = actions[action]
        if not available.offered:
            continue
        ids = {"auto_id": f"id_{id_prefix}_%s"} if id_prefix else {}
        form = form_class(project=project, **ids) if form_class is ReturnForm else form_class(**ids)
        panels[str(action)] = ActionPanel(action, form, available.reasons, in_gate_panel)
    return panels


def project_context(project: Project, user, *, stage: Stage | None = None) -> dict:
    """Everything the project pages show, for one person."""
    current_status = load_stage_status(project, with_deadlines=True)
    viewing = stage or project.current_stage
    if viewing is not None and project.current_stage and viewing.pk != project.current_stage.pk:
        status = load_stage_status(project, viewing)
    else:
        status = current_status
    rows = [_row(project, status, item_status, user) for item_status in status.items]
    gate = gate_panel(project, current_status)
    actions = available_actions(project, user, current_status)
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
        "gate": gate,
        # "What is missing?" for the stage on screen, which may not be the current one.
        "stage_gate": gate_panel(project, status, viewing=viewing)
        if status is not current_status
        else None,
        "return_notice": current_status.latest_return,
        "available_actions": actions,
        "actions": _actions(project, actions, gate["reasons"]),
        "next_step": next_step(project, user, current_status, actions=actions),
        "my_roles": [Role(role).label for role in sorted(current_status.roles_of(user))],
        "can_manage_team": can_manage_team(project, user, by_roles=current_status.roles_of(user)),
        "memberships": project.memberships.select_related("user").order_by(
            "role", "user__first_name"
        ),
        # People who act on the project through a role for its organisation or a node above it
        # (a queryset: read only by the team tab).
        "organisation_roles": roles_above(project.organisation),
        # Only the history and pathway-change tabs show them: read when a template does.
        "archived_answers": SimpleLazyObject(partial(archived_answers, project)),
        "newer_version": project.pathway.newer_versions().first()
        if can_change_pathway(project, user)
        else None,
        "can_continue": actions[Action.CONTINUED].offered,
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


# How many items each reason in "What is missing?" lists before the rest are folded away.
SHOWN_ITEMS = 3


def gate_panel(project: Project, status: StageStatus, *, viewing: Stage | None = None) -> dict:
    """The "what is missing" panel of one stage: the current one unless `viewing` names another
    (its own status, said to be not the current one), its reasons grouped by who must act."""
    current = project.current_stage
    other = viewing is not None and (current is None or viewing.pk != current.pk)
    if other:
        return _other_stage_panel(project, status, viewing)
    reasons = checklist_reasons(status) if project.is_active else []
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
    return _panel(project, status, headline, reasons, other_stage=False)


def _other_stage_panel(project: Project, status: StageStatus, stage: Stage) -> dict:
    """A stage other than the current one: approved already, or still to come."""
    current = project.current_stage
    if current is None or stage.order < current.order:
        headline = _("This stage was approved earlier; its answers are read-only.")
        reasons = []
    else:
        reasons = checklist_reasons(status) if project.is_active else []
        headline = (
            _("This stage comes later. When it is reached, this is still missing:")
            if reasons
            else _("This stage comes later. Everything it asks for is in place already.")
        )
    panel = _panel(project, status, headline, reasons, other_stage=True)
    panel["current_stage"] = current
    return panel


def _panel(project, status, headline, reasons, *, other_stage: bool) -> dict:
    applicable = status.applicable_items
    return {
        "headline": headline,
        "reasons": reasons,
        "groups": reason_groups(project, status, reasons),
        "other_stage": other_stage,
        "stage": status.stage,
        "answered": status.answered_count,
        "total": len(applicable),
        "required_total": sum(1 for s in applicable if s.required),
        "required_answered": sum(1 for s in applicable if s.required and s.answered),
    }


def reason_groups(project: Project, status: StageStatus, reasons: list[Reason]) -> list[dict]:
    """The reasons grouped by the role that must act (in the roles' order; reasons for no one in
    particular last), each reason once and each checklist item once: an item that an earlier
    reason lists already (the classification's questions are also unanswered items) is not
    listed again. Checklist items link to their place on the stage's page; beyond the first
    `SHOWN_ITEMS` of a reason they are folded away."""
    if not reasons:
        return []
    items_by_key = {s.item.key: s.item for s in status.items}
    stage_url = (
        reverse("project_stage", args=[project.pk, status.stage.key]) if status.stage else ""
    )
    groups: dict[str, dict] = {}
    listed: set[str] = set()
    for reason in reasons:
        group = groups.setdefault(
            reason.role,
            {
                "role": reason.role,
                "label": Role(reason.role).label if reason.role else _("The team"),
                "people": reason.people,
                "entries": [],
            },
        )
        group["people"] = group["people"] or reason.people
        keys = reason.item_keys or ("",) * len(reason.items)
        entries, repeated = [], 0
        for text, key in zip(reason.items, keys, strict=False):
            if key and key in listed:
                repeated += 1
                continue
            listed.add(key)
            item = items_by_key.get(key)
            href = f"{stage_url}#item-{item.pk}" if item is not None and stage_url else ""
            entries.append({"text": text, "href": href})
        group["entries"].append(
            {
                "code": reason.code,
                "message": _grouped_message(reason),
                "shown": entries[:SHOWN_ITEMS],
                "more": entries[SHOWN_ITEMS:],
                "listed_above": bool(repeated) and not entries,
            }
        )
    order = {role: index for index, role in enumerate(Role.values)}
    return sorted(groups.values(), key=lambda group: order.get(group["role"], len(order)))


def _grouped_message(reason: Reason) -> str:
    """Under its role's heading a checklist reason need not name the role again."""
    count = len(reason.items)
    if reason.code == REQUIRED_UNANSWERED:
        return ngettext(
            "%(count)d required item unanswered", "%(count)d required items unanswered", count
        ) % {"count": count}
    if reason.code == SIGNOFF_MISSING:
        return ngettext(
            "%(count)d answer awaits sign-off", "%(count)d answers await sign-off", count
        ) % {"count": count}
    return reason.message


def item_context(
    project: Project, user, item: ChecklistItem, *, form=None, saved=False, error=""
) -> dict:
    """After an inline save or sign-off: the item's fragments and everything on the page that
    depends on the gate (the "what is missing" panel, the decisions, the status badges, the
    journey), from one gate result, so they are swapped together and never disagree."""
    current_status = load_stage_status(project)
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
        "actions": _actions(
            project, available_actions(project, user, current_status), gate["reasons"]
        ),
        "timeline": _timeline(project),
        "viewing_stage": item.stage,
    }
