"""Making and revoking API tokens. The secret is shown once (returned here) and never stored:
knox keeps its digest. Every token expires, after at most API_TOKEN_MAX_DAYS."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from procurement.models import Project

from .models import ApiToken, validate_scopes


def create_token(
    *,
    user,
    by,
    name: str,
    scopes: list[str],
    days: int,
    project: Project | None = None,
    organisation: Organisation | None = None,
) -> tuple[ApiToken, str]:
    """A new token for `user`, made by `by` (themselves, or an administrator for a system
    account, optionally bound to one project or organisation; None is an operator at the
    command line). Returns the row and the secret."""
    if by is not None and by.pk != user.pk and not by.is_superuser:
        raise PermissionDenied
    bound = project is not None or organisation is not None
    if bound and by is not None and not by.is_superuser:
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise ValidationError(_("Give the token a name."))
    validate_scopes(scopes)
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError(
            _("A token expires after at most %(days)d days.")
            % {"days": settings.API_TOKEN_MAX_DAYS}
        )
    with transaction.atomic():
        return ApiToken.objects.create(
            user,
            expiry=timedelta(days=days),
            name=name[:100],
            scopes=list(scopes),
            created_by=by or user,
            project=project,
            organisation=organisation,
        )


def revoke_token(*, token: ApiToken, by) -> None:
    """Stop a token at once; the row stays (who made it, when it was used)."""
    if by.pk != token.user_id and not by.is_superuser:
        raise PermissionDenied
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def personal_tokens(user) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user).order_by("-created"))
