"""API tokens and the stored answers to idempotent requests.

A token is a knox token (knox makes the secret and keeps only its SHA-512 digest and the first
characters as `token_key`), with what this product adds: a name, scopes, an expiry of at most
`API_TOKEN_MAX_DAYS`, who made it, when it was last used, when it was revoked, and, for a system
account, the one project or organisation it may reach."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken

from accounts.models import Organisation
from procurement.models import Project


class Scope(models.TextChoices):
    READ = "read", _("read")
    WRITE = "write", _("write")
    MONITORING_PUSH = "monitoring:push", _("send monitoring data")


class ApiToken(AbstractAuthToken):
    name = models.CharField(_("name"), max_length=100)
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # A system account's token reaches one project or one organisation's projects only.
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(condition=Q(expiry__isnull=False), name="api_token_expires"),
            models.CheckConstraint(
                condition=Q(project__isnull=True) | Q(organisation__isnull=True),
                name="api_token_one_binding",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.token_key[:8]})"

    def clean(self) -> None:
        validate_scopes(self.scopes)
        created = self.created or timezone.now()
        if self.expiry is None or self.expiry > created + timedelta(
            days=settings.API_TOKEN_MAX_DAYS, minutes=1
        ):
            raise ValidationError(
                _("A token expires after at most %(days)d days.")
                % {"days": settings.API_TOKEN_MAX_DAYS}
            )
        if self.project_id and self.organisation_id:
            raise ValidationError(_("Bind a token to one project or one organisation, not both."))

    def save(self, *args, **kwargs):
        # knox creates tokens through its manager; the rules hold whoever calls save().
        self.clean()
        super().save(*args, **kwargs)

    @property
    def prefix(self) -> str:
        return self.token_key[:8]

    @property
    def label(self) -> str:
        """How the journal names a change made with this token (the page adds "via API key")."""
        return f"{self.name} ({self.prefix})"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expiry is not None and self.expiry > timezone.now()


def validate_scopes(scopes) -> None:
    if (
        not isinstance(scopes, list)
        or not scopes
        or any(scope not in Scope.values for scope in scopes)
        or len(set(scopes)) != len(scopes)
    ):
        raise ValidationError(_("Choose one or more of the scopes: read, write, monitoring:push."))


class IdempotentResponse(models.Model):
    """The first answer to a request sent with an `Idempotency-Key` (per token or person): the
    same key again gets the same answer; the same key with another request body is refused."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    token_digest = models.CharField(max_length=128, blank=True)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "token_digest", "project", "key"], name="idempotency_key_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.key}"
