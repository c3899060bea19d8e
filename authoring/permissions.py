"""Who edits which guidelines: the content editors of the owning organisation or a node above
it, and administrators. The national seed (no owner) is changed by administrators only; a
region adapts it by adopting a copy."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import Organisation, OrganisationRole
from accounts.organisations import organisation_roles_of, subtree_paths, under_any

EDITOR = OrganisationRole.Kind.CONTENT_EDITOR


def can_edit(user, organisation: Organisation | None) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return organisation is not None and EDITOR in organisation_roles_of(user, organisation)


def require_editor(user, organisation: Organisation | None) -> None:
    if not can_edit(user, organisation):
        raise PermissionDenied(_("Only the organisation's content editors may do this."))


def is_content_editor(user) -> bool:
    """Whether the person edits any organisation's guidelines (shows the editing menu)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or OrganisationRole.objects.filter(user=user, role=EDITOR).exists()


def editable_organisations(user):
    """The organisations whose guidelines the person edits (for a superuser: all)."""
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(under_any(subtree_paths(user, {EDITOR}), field="path"))
