"""Moving a project onto another pathway version: an upgrade to a newer version of the same
pathway, or a fast-track project continuing into the full pathway.

`plan_pathway_change` is the preview: for every item it says whether it was added, removed or
changed, and what happens to its answer. `apply_plan` does exactly that and nothing else, so the
preview always matches the result. Answers are matched by item key; nothing is ever deleted:
answers that cannot move (their item was removed, or its answer type changed) stay attached to
the old version's item and are shown as archived.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from checklists.models import ChecklistItem, Pathway

from . import journal
from .guards import lock_project
from .models import RETIRED_STATE, STOPPED_STATE, Action, Answer, Evidence, Project, SignOff
from .permissions import can_change_pathway

ADDED, REMOVED, CHANGED, UNCHANGED = "added", "removed", "changed", "unchanged"
KEPT, ARCHIVED, NO_ANSWER = "kept", "archived", "none"

# Fields whose change makes an item "changed" (and its sign-off due again).
COMPARED_FIELDS = (
    "text_da", "text_en", "help_da", "help_en", "role", "answer_type", "required", "choices",
    "condition", "required_when", "signoff_role", "sources",
)  # fmt: skip


@dataclass
class ItemChange:
    key: str
    kind: str  # added | removed | changed | unchanged
    old: ChecklistItem | None
    new: ChecklistItem | None
    answer: Answer | None
    outcome: str  # kept | archived | none
    fields: tuple[str, ...] = ()
    signoff_again: bool = False

    @property
    def item(self) -> ChecklistItem:
        return self.new or self.old


@dataclass
class PathwayChangePlan:
    project: Project
    source: Pathway
    target: Pathway
    target_state: str
    changes: list[ItemChange] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[ItemChange]:
        return [change for change in self.changes if change.kind == kind]

    @property
    def added(self) -> list[ItemChange]:
        return self.of_kind(ADDED)

    @property
    def removed(self) -> list[ItemChange]:
        return self.of_kind(REMOVED)

    @property
    def changed(self) -> list[ItemChange]:
        return self.of_kind(CHANGED)

    @property
    def kept_answers(self) -> list[ItemChange]:
        return [c for c in self.changes if c.outcome == KEPT]

    @property
    def archived_answers(self) -> list[ItemChange]:
        return [c for c in self.changes if c.outcome == ARCHIVED]


def _items(pathway: Pathway) -> dict[str, ChecklistItem]:
    items = ChecklistItem.objects.filter(stage__pathway=pathway).select_related("stage")
    return {item.key: item for item in items.order_by("stage__order", "order")}


def _answer_fits(item: ChecklistItem, answer: Answer) -> bool:
    if item.answer_type == "choice":
        return answer.value in {choice["key"] for choice in item.choices} or not answer.value
    return True


def plan_pathway_change(
    project: Project, target: Pathway, target_state: str | None = None
) -> PathwayChangePlan:
    """What moving `project` onto `target` would do. Writes nothing."""
    state = target_state or project.state
    plan = PathwayChangePlan(project, project.pathway, target, state)
    old_items = _items(project.pathway)
    new_items = _items(target)
    answers = {
        answer.item.key: answer
        for answer in project.answers.select_related("item").filter(
            item__stage__pathway=project.pathway
        )
    }
    stage_keys = set(target.stages.values_list("key", flat=True))
    needed = (target_state,) if target_state else (project.state, project.stopped_from)
    for key in needed:
        if key and key not in (STOPPED_STATE, RETIRED_STATE) and key not in stage_keys:
            plan.blockers.append(
                _("The stage “%(stage)s” does not exist in the new version.")
                % {"stage": project.state_name(key)}
            )
    for key, new in new_items.items():
        old = old_items.get(key)
        answer = answers.get(key)
        if old is None:
            plan.changes.append(ItemChange(key, ADDED, None, new, None, NO_ANSWER))
            continue
        fields = tuple(f for f in COMPARED_FIELDS if getattr(old, f) != getattr(new, f))
        if answer is None:
            outcome = NO_ANSWER
        elif old.answer_type != new.answer_type or not _answer_fits(new, answer):
            outcome = ARCHIVED
        else:
            outcome = KEPT
        plan.changes.append(
            ItemChange(
                key,
                CHANGED if fields else UNCHANGED,
                old,
                new,
                answer,
                outcome,
                fields,
                signoff_again=bool(fields) and bool(new.signoff_role) and outcome == KEPT,
            )
        )
    for key, old in old_items.items():
        if key not in new_items:
            answer = answers.get(key)
            plan.changes.append(
                ItemChange(key, REMOVED, old, None, answer, ARCHIVED if answer else NO_ANSWER)
            )
    return plan


def apply_plan(plan: PathwayChangePlan) -> None:
    """Move the answers as the plan says and point the project at the new pathway. Call inside
    a transaction holding the project's row lock; the caller saves the project."""
    project = plan.project
    for change in plan.kept_answers:
        Answer.objects.filter(pk=change.answer.pk).update(item=change.new)
        Evidence.objects.filter(project=project, item=change.old).update(item=change.new)
        if change.kind == UNCHANGED:
            SignOff.objects.filter(project=project, item=change.old).update(item=change.new)
    project.pathway = plan.target
    for cached in ("stages", "_stages_by_key"):
        project.__dict__.pop(cached, None)


def upgrade_project(*, project: Project, target: Pathway, by, comment: str = "") -> Project:
    """Move a project to a newer version of its pathway (after the preview was confirmed)."""
    with transaction.atomic():
        locked = lock_project(project)
        if not can_change_pathway(locked, by):
            raise PermissionDenied
        if target.slug != locked.pathway.slug or target.version <= locked.pathway.version:
            raise ValidationError(_("Choose a newer version of the project's own pathway."))
        plan = plan_pathway_change(locked, target)
        if plan.blockers:
            raise ValidationError(plan.blockers)
        source = locked.pathway
        apply_plan(plan)
        locked.save(update_fields=["pathway", "updated_at"])
        journal.record(
            project=locked,
            action=Action.UPGRADED,
            by=by,
            before={"pathway": source.slug, "version": source.version},
            after={"pathway": target.slug, "version": target.version},
            comment=_upgrade_comment(source, target, plan, comment),
        )
    return locked


def _upgrade_comment(source, target, plan, comment: str) -> str:
    summary = _(
        "%(source)s v%(old)d → v%(new)d: %(added)d added, %(removed)d removed, "
        "%(changed)d changed items; %(kept)d answers kept, %(archived)d archived."
    ) % {
        "source": source.name,
        "old": source.version,
        "new": target.version,
        "added": len(plan.added),
        "removed": len(plan.removed),
        "changed": len(plan.changed),
        "kept": len(plan.kept_answers),
        "archived": len(plan.archived_answers),
    }
    return f"{summary}\n{comment}".strip()


def continuation_plan(project: Project) -> PathwayChangePlan | None:
    """The plan for continuing a completed fast-track project into the pathway it names."""
    source = project.pathway
    if not source.continues_into:
        return None
    target = Pathway.latest(source.continues_into)
    if target is None:
        return None
    return plan_pathway_change(project, target, target_state=source.continue_at)


def archived_answers(project: Project) -> list[Answer]:
    """Answers kept from earlier pathway versions whose items no longer apply."""
    return list(
        project.answers.exclude(item__stage__pathway=project.pathway_id)
        .select_related("item__stage__pathway", "answered_by")
        .order_by("item__stage__order", "item__order")
    )
