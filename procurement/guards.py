"""The checks every write makes after it has locked the project: is the stage it changes still
open? One place for the row lock and for the rule that approved stages are frozen.

A stage is open while the project is active and the stage is its current one. Stages before the
current one were approved (the journey is linear; a return makes later stages future again), so
their answers, sign-offs, evidence and tools are read-only until the project is sent back to
them through the journalled return transition. A form can also say which state the page showed
(`seen_state`): a save from a page opened before the stage moved is refused as such.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from checklists.models import Stage

from .models import Project

STAGE_MOVED = gettext_noop(
    "The project has moved to another stage since you opened the page. Nothing was saved: "
    "reload the page."
)
STAGE_APPROVED = gettext_noop(
    "The stage is approved. Send the project back to the stage to change it."
)
STAGE_NOT_STARTED = gettext_noop("This stage has not started yet: it can't be changed now.")
PROJECT_NOT_ACTIVE = gettext_noop("The project is not active: nothing can be changed.")


def lock_project(project: Project | int) -> Project:
    """The project (or the project with this id), re-read with its row locked until the
    transaction ends (PostgreSQL; SQLite takes the database's write lock when the transaction
    starts)."""
    pk = project if isinstance(project, int) else project.pk
    return Project.objects.select_for_update().select_related("pathway").get(pk=pk)


def _check_seen_state(project: Project, seen_state: str | None) -> None:
    if seen_state and seen_state != project.state:
        raise ValidationError(_(STAGE_MOVED), code="stage_moved")


def require_stage_open(project: Project, stage: Stage, *, seen_state: str | None = None) -> None:
    """Raise ValidationError unless `stage` may be changed now (call with the locked project)."""
    _check_seen_state(project, seen_state)
    if not project.is_active:
        raise ValidationError(_(PROJECT_NOT_ACTIVE), code="not_active")
    current = project.current_stage
    if stage.pk == current.pk:
        return
    if stage.order < current.order:
        raise ValidationError(_(STAGE_APPROVED), code="stage_approved")
    raise ValidationError(_(STAGE_NOT_STARTED), code="stage_not_started")


def require_tool_open(project: Project, tool: str, *, seen_state: str | None = None) -> None:
    """A stage tool's data (business case, requirements list) may change while the project is
    active and a stage that holds the tool is current or still to come; once every stage that
    holds it is approved, it is frozen with them."""
    _check_seen_state(project, seen_state)
    if not project.is_active:
        raise ValidationError(_(PROJECT_NOT_ACTIVE), code="not_active")
    holders = project.stages_with_tool(tool)
    current = project.current_stage
    if holders and all(stage.order < current.order for stage in holders):
        raise ValidationError(_(STAGE_APPROVED), code="stage_approved")


def tool_is_open(project: Project, tool: str) -> bool:
    """The same rule as `require_tool_open`, for screens that decide whether to offer a form."""
    try:
        require_tool_open(project, tool)
    except ValidationError:
        return False
    return True
