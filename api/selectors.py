"""What the API's read endpoints return, from the same functions the web's pages use: the gate
(`blocking_reasons`, `available_actions`), "what now" (`next_step`) and the permission helpers."""

from checklists.models import Stage
from procurement.gates import available_actions, blocking_reasons, load_stage_status, next_step
from procurement.models import Action, Project
from procurement.permissions import can_edit_answer, can_sign_off

from . import serializers as s


def stage_data(stage: Stage | None) -> dict | None:
    if stage is None:
        return None
    return {"key": stage.key, "order": stage.order, "name": stage.name}


def reason_data(reasons) -> list[dict]:
    return [
        {
            "code": r.code,
            "message": r.message,
            "role": r.role,
            "items": list(r.items),
            "people": list(r.people),
        }
        for r in reasons
    ]


def project_detail(project: Project, user) -> dict:
    """The project, its current stage, why it cannot be approved now, whether `user` may ask
    for approval, and what `user` should do next (as on the project page)."""
    status = load_stage_status(project, with_deadlines=True)
    actions = available_actions(project, user, status)
    step = next_step(project, user, status, actions=actions)
    data = s.ProjectSerializer(project).data
    data.update(
        clinical_need=project.clinical_need,
        current_stage=stage_data(project.current_stage),
        roles=sorted(status.roles_of(user)),
        approve_blocked_by=reason_data(
            blocking_reasons(project=project, action=Action.APPROVED, status=status)
        ),
        request_approval_blocked_by=reason_data(actions[Action.APPROVAL_REQUESTED].reasons),
        next_step={
            "code": step.code,
            "message": step.message,
            "items": list(step.items),
            "overdue": step.overdue,
        },
    )
    return data


def stage_items(project: Project, stage: Stage, user) -> dict:
    """A stage's items with their answers and sign-offs, and what `user` may do to each."""
    status = load_stage_status(project, stage)
    items = [
        {
            "item": item_status.item,
            "choice_keys": [key for key, _label in item_status.item.choice_options()],
            "applicable": item_status.applicable,
            "required": item_status.required,
            "answered": item_status.answered,
            "signed_off": item_status.signed_off,
            "needs_signoff": item_status.needs_signoff,
            "answer": item_status.answer,
            "signoff": item_status.signoff,
            "may_answer": can_edit_answer(project, status, user, item_status.item),
            "may_sign_off": can_sign_off(project, status, user, item_status.item),
        }
        for item_status in status.items
    ]
    current = project.current_stage
    frozen = not project.is_active or (current is not None and stage.order < current.order)
    data = {"stage": stage_data(stage), "frozen": frozen, "items": items}
    return s.StageItemsSerializer(data).data
