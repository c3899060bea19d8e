"""What a request may do through the API beyond what its person may do on the web: a token's
scopes, and a system account's binding to one project or organisation. Who may see and change a
project is still decided by procurement.permissions, called by the views."""

from django.http import Http404
from rest_framework.permissions import SAFE_METHODS, BasePermission

from procurement.models import Project

from .models import ApiToken, Scope


def token_of(request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


class HasTokenScope(BasePermission):
    """A token needs `read` to read, `write` to change, and the view's `required_scope` when it
    names one (the monitoring push). A signed-in session (the browsable documentation) acts as
    the person does on the web."""

    def has_permission(self, request, view) -> bool:
        token = token_of(request)
        if token is None:
            return True
        scope = getattr(view, "required_scope", None) or (
            Scope.READ if request.method in SAFE_METHODS else Scope.WRITE
        )
        return scope in token.scopes


def check_binding(request, project: Project) -> None:
    """A token bound to a project or an organisation reaches nothing else: the rest is as
    invisible to it as another organisation's projects (404)."""
    token = token_of(request)
    if token is None:
        return
    if token.project_id is not None and token.project_id != project.pk:
        raise Http404("No such project")
    if token.organisation_id is not None and token.organisation_id != project.organisation_id:
        raise Http404("No such project")
