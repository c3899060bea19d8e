from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    """The levels of the Danish health service, from the top: the nation (e.g. DLSC's national
    bodies), a region, a hospital and a department."""

    NATION = "nation", _("nation")
    REGION = "region", _("region")
    HOSPITAL = "hospital", _("hospital")
    DEPARTMENT = "department", _("department")


KIND_DEPTH = {kind: depth for depth, kind in enumerate(OrganisationKind.values)}


class Organisation(models.Model):
    """A node of the organisation tree: nation → region → hospital → department, e.g.
    Region Syddanmark → OUH → Hjertemedicinsk afdeling.

    `path` is the materialised path of primary keys from the root ("/1/4/9/"), kept by `save`
    for the node and everything below it, so "this node and everything below" is one indexed
    prefix filter and "the node and its ancestors" is read from one string without queries."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"),
        max_length=16,
        choices=OrganisationKind.choices,
        default=OrganisationKind.REGION,
        db_default=OrganisationKind.REGION,
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField(
        max_length=255, editable=False, db_index=True, default="", db_default=""
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            # Two departments may share a name in different hospitals, never under one parent.
            models.UniqueConstraint(
                fields=["parent", "name"], name="organisation_unique_name_in_parent"
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(parent__isnull=True),
                name="organisation_unique_root_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            if self.parent_id is not None:
                parent = Organisation.objects.select_for_update().get(pk=self.parent_id)
                if self.pk is not None and self.pk in parent.ancestor_ids:
                    raise ValidationError(
                        _("An organisation cannot be placed under itself or its own units.")
                    )
            old_path = self.path
            super().save(*args, **kwargs)
            prefix = parent.path if self.parent_id is not None else "/"
            new_path = f"{prefix}{self.pk}/"
            if new_path != old_path:
                Organisation.objects.filter(pk=self.pk).update(path=new_path)
                self.path = new_path
                if old_path:  # moved: its units follow, in one statement
                    Organisation.objects.filter(path__startswith=old_path).exclude(
                        pk=self.pk
                    ).update(path=Concat(Value(new_path), Substr("path", len(old_path) + 1)))

    @property
    def ancestor_ids(self) -> list[int]:
        """The primary keys from the root down to this node, itself included."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def clean(self) -> None:
        if self.parent_id is None:
            return
        if self.pk is not None and self.pk in self.parent.ancestor_ids:
            raise ValidationError(
                {"parent": _("An organisation cannot be placed under itself or its own units.")}
            )
        if KIND_DEPTH[self.kind] <= KIND_DEPTH[self.parent.kind]:
            raise ValidationError(
                {
                    "kind": _("A %(kind)s cannot be placed under a %(parent)s.")
                    % {"kind": self.get_kind_display(), "parent": self.parent.get_kind_display()}
                }
            )


class OrganisationRole(models.Model):
    """A role a person holds for an organisation and everything below it: an innovation
    consultant of Region Syddanmark acts as consultant on every project of the region's hospitals
    and departments, and on none of another region's. A content editor edits the organisation's
    guidelines. Granted by an administrator (the admin site)."""

    class Kind(models.TextChoices):
        INNOVATION_CONSULTANT = "innovation_consultant", _("innovation consultant")
        AI_COMPETENCE = "ai_competence", _("AI competence unit")
        LAWYER = "lawyer", _("lawyer")
        PROCUREMENT = "procurement", _("procurement consultant")
        CONTENT_EDITOR = "content_editor", _("content editor")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="organisation_roles",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="roles",
    )
    role = models.CharField(_("role"), max_length=32, choices=Kind.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation-wide role")
        verbose_name_plural = _("organisation-wide roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="organisation_role_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


# The organisation-wide roles that act on projects (the content editor edits guidelines only).
PROJECT_ROLES = frozenset(
    {
        OrganisationRole.Kind.INNOVATION_CONSULTANT,
        OrganisationRole.Kind.AI_COMPETENCE,
        OrganisationRole.Kind.LAWYER,
        OrganisationRole.Kind.PROCUREMENT,
    }
)


class User(AbstractUser):
    """A person. Roles are held per project (procurement.Membership) or for an organisation and
    everything below it (OrganisationRole)."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    # The language of what the product sends this person (e-mail, digests); Danish first.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="da", db_default="da"
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username
