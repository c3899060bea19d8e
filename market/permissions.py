"""Who may change the market dialogue, set up and score the evaluation, and confirm a model
card's answers (see the services' module docstring for the whole rule)."""

from checklists.roles import Role
from procurement.models import Project
from procurement.permissions import roles_of

from .models import Evaluator, ModelCardField
from .selectors import field_item

EDITOR_ROLES = frozenset({Role.PROCUREMENT})
EVALUATING_ROLES = frozenset(
    {Role.CLINICIAN, Role.PROCUREMENT, Role.IT_ARCHITECT, Role.AI_COMPETENCE}
)


def can_edit_market(project: Project, user, roles: set[str] | None = None) -> bool:
    """The owner and the procurement consultant, while the project is active."""
    if not project.is_active or not getattr(user, "is_authenticated", False):
        return False
    if user.pk == project.owner_id:
        return True
    return bool((roles_of(project, user) if roles is None else roles) & EDITOR_ROLES)


def can_run_evaluation(project: Project, user, roles: set[str] | None = None) -> bool:
    """Only the procurement consultant sets up the evaluation and sets the consensus."""
    if not project.is_active or not getattr(user, "is_authenticated", False):
        return False
    return Role.PROCUREMENT in (roles_of(project, user) if roles is None else roles)


def can_score(project: Project, user) -> bool:
    """Whether `user` is an assigned evaluator holding an evaluating role (active project)."""
    if not project.is_active or not getattr(user, "is_authenticated", False):
        return False
    return Evaluator.objects.filter(project=project, user=user).exists() and bool(
        roles_of(project, user) & EVALUATING_ROLES
    )


def can_confirm(project: Project, user, field: ModelCardField, roles: set[str]) -> bool:
    """The owner, the procurement consultant, or a member holding the role of the item the
    answer belongs to."""
    if not project.is_active or field.confirmed_at is not None:
        return False
    if can_edit_market(project, user, roles):
        return True
    item = field_item(project, field)
    return item is not None and item.role in roles
