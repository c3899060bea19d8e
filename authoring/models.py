"""Drafts of pathway versions edited in the browser, and who did what to them.

A draft holds the content in the pathway files' structure (`authoring.content`). It is edited by
the owning organisation's content editors, sent for approval by one of them and published by
another (four-eyes); publishing writes a new Pathway version through the loader, so a published
version is made the same way whether it came from a file or from the browser.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from checklists.models import Pathway


class DraftStatus(models.TextChoices):
    EDITING = "editing", _("being edited")
    APPROVAL_REQUESTED = "approval_requested", _("awaiting approval")
    PUBLISHED = "published", _("published")
    DISCARDED = "discarded", _("discarded")


OPEN_STATUSES = (DraftStatus.EDITING, DraftStatus.APPROVAL_REQUESTED)


class PathwayDraft(models.Model):
    slug = models.SlugField(_("pathway"), max_length=80)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pathway_drafts",
    )
    # The published version this draft changes; none for a new copy (adoption).
    base = models.ForeignKey(
        Pathway,
        verbose_name=_("based on"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="drafts",
    )
    # An adoption's or a merge's source: the other organisation's version copied or merged in.
    origin = models.ForeignKey(
        Pathway,
        verbose_name=_("origin"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="derived_drafts",
    )
    content = models.JSONField(_("content"))
    conflicts = models.JSONField(_("merge conflicts"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=DraftStatus.choices, default=DraftStatus.EDITING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published = models.OneToOneField(
        Pathway,
        verbose_name=_("published as"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="published_from",
    )

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("pathway draft")
        verbose_name_plural = _("pathway drafts")
        constraints = [
            # One open draft per pathway: two would publish the same next version.
            models.UniqueConstraint(
                fields=["slug"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="authoring_one_open_draft_per_pathway",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=DraftStatus.PUBLISHED)
                | (models.Q(published__isnull=False) & models.Q(published_by__isnull=False)),
                name="authoring_published_draft_names_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slug} v{self.version}"

    @property
    def version(self) -> int:
        """The version number publishing would give."""
        if self.published_id:
            return self.published.version
        return self.base.version + 1 if self.base_id else 1

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class DraftEvent(models.Model):
    """What happened to a draft: who edited, asked for approval, approved and published it."""

    class Action(models.TextChoices):
        CREATED = "created", _("started")
        ADOPTED = "adopted", _("adopted from another organisation")
        MERGED = "merged", _("merged a newer version")
        EDITED = "edited", _("edited")
        IMPORTED = "imported", _("imported a YAML file")
        APPROVAL_REQUESTED = "approval_requested", _("asked for approval")
        RETURNED = "returned", _("returned for editing")
        PUBLISHED = "published", _("approved and published")
        DISCARDED = "discarded", _("discarded")

    draft = models.ForeignKey(PathwayDraft, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("draft event")
        verbose_name_plural = _("draft events")

    def __str__(self) -> str:
        return f"{self.draft} · {self.get_action_display()} · {self.by}"
