"""Who must use two-factor authentication."""

from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from accounts.models import OrganisationRole
from accounts.organisations import holds_organisation_role

CONTENT_EDITOR_ROLE = OrganisationRole.Kind.CONTENT_EDITOR


def mfa_required(user: AbstractBaseUser | AnonymousUser) -> bool:
    """True for administrators (superusers and staff, who reach the admin) and for content
    editors (the content editor's role of accounts.OrganisationRole for any organisation)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff:
        return True
    return holds_organisation_role(user, CONTENT_EDITOR_ROLE)


def has_totp(user: AbstractBaseUser) -> bool:
    """Whether the person has activated an authenticator app."""
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def must_set_up_totp(user: AbstractBaseUser | AnonymousUser) -> bool:
    """A person who must use two-factor authentication, signs in with a local password and has
    no authenticator app yet. People signing in with an identity provider only (no usable
    password) get their second factor from the provider (e.g. Entra ID's conditional access)."""
    return mfa_required(user) and user.has_usable_password() and not has_totp(user)
