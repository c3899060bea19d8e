"""Who may see and change what. Views fetch objects through these helpers: 404 for a project a
person may not see, 403 (PermissionDenied) for what they may see but not change."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from checklists.models import ChecklistItem
from checklists.roles import AnswerType

from .gates import StageStatus
from .models import Project


def visible_projects(user) -> QuerySet[Project]:
    """Projects a person may read: those they are a member of; administrators see all."""
    projects = Project.objects.select_related("pathway", "organisation", "owner")
    if user.is_superuser:
        return projects
    return projects.filter(memberships__user=user).distinct()


def get_visible_project(user, project_id: int) -> Project:
    project = (
        visible_projects(user).prefetch_related("pathway__stages").filter(pk=project_id).first()
    )
    if project is None:
        raise Http404("No such project")
    return project


def can_edit_answer(project: Project, status: StageStatus, user, item: ChecklistItem) -> bool:
    """Members holding the item's role answer it, and the owner may answer anything; only in the
    current stage of an active project."""
    if not project.is_active or status.stage is None or item.stage_id != project.current_stage.pk:
        return False
    return user.pk == project.owner_id or item.role in status.roles_of(user)


def can_sign_off(project: Project, status: StageStatus, user, item: ChecklistItem) -> bool:
    if not project.is_active or item.stage_id != project.current_stage.pk:
        return False
    return bool(item.signoff_role) and item.signoff_role in status.roles_of(user)


def can_manage_team(project: Project, user) -> bool:
    return user.pk == project.owner_id and project.state != "retired"


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def is_file_item(item: ChecklistItem) -> bool:
    return item.answer_type == AnswerType.EVIDENCE
