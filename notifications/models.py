"""What people are told: notifications, their deliveries by mail, and each person's choices.

A `Notification` is one event told to one person (the in-app list and the bell). Each way it
leaves the app is a `Delivery` (immediate mail, or a line in the daily digest). Both are unique
per (event, recipient[, channel]), so a retried transaction, a second worker or a command run
twice can never tell anyone the same thing twice.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from procurement.models import Project


class Kind(models.TextChoices):
    APPROVAL_REQUESTED = "approval_requested", _("Approval requested")
    STAGE_RETURNED = "stage_returned", _("Stage returned")
    PROJECT_STOPPED = "project_stopped", _("Project stopped")
    SIGNOFF_NEEDED = "signoff_needed", _("Sign-off needed")
    MEMBER_ADDED = "member_added", _("Added to a team")
    MONITORING_ALARM = "monitoring_alarm", _("Monitoring alarm")
    DEADLINE_PASSED = "deadline_passed", _("Deadline passed")
    DEADLINE_SOON = "deadline_soon", _("Deadline coming up")
    STAGE_APPROVED = "stage_approved", _("Stage approved")
    ITEM_ASSIGNED = "item_assigned", _("Item assigned to you")


class Channel(models.TextChoices):
    """How a person wants a kind of notification: it always shows in the app."""

    IMMEDIATE = "immediate", _("E-mail at once")
    DIGEST = "digest", _("In the daily digest")
    APP = "app", _("Only in the app")


# What needs action now is mailed at once; what is only news waits for the digest.
DEFAULT_CHANNEL = {
    Kind.APPROVAL_REQUESTED: Channel.IMMEDIATE,
    Kind.STAGE_RETURNED: Channel.IMMEDIATE,
    Kind.PROJECT_STOPPED: Channel.IMMEDIATE,
    Kind.SIGNOFF_NEEDED: Channel.IMMEDIATE,
    Kind.MEMBER_ADDED: Channel.IMMEDIATE,
    Kind.MONITORING_ALARM: Channel.IMMEDIATE,
    Kind.DEADLINE_PASSED: Channel.IMMEDIATE,
    Kind.DEADLINE_SOON: Channel.DIGEST,
    Kind.STAGE_APPROVED: Channel.DIGEST,
    # The reminders before the due date ask for the action; the assignment itself is news.
    Kind.ITEM_ASSIGNED: Channel.DIGEST,
}


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    # What happened, once per recipient: "entry:<journal id>", or "deadline:<...>" for reminders.
    # (A key, not a foreign key: the journal stays free of rows that point into it.)
    event_key = models.CharField(max_length=120)
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="notifications", null=True, blank=True
    )
    # The facts the message is written from (names, stage, reason), kept as data so each
    # person reads it in their own language whenever they look.
    data = models.JSONField(default=dict, blank=True)
    # Where the notification leads: a path inside the app (stage, item, incident).
    link = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["event_key", "recipient"], name="one_notification_per_event_and_person"
            ),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.recipient} – {self.kind} ({self.event_key})"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(models.Model):
    """One notification on its way out by mail (at once, or in the digest)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("not sent")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(
        max_length=20, choices=[c for c in Channel.choices if c[0] != Channel.APP]
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    digest = models.ForeignKey(
        "Digest", on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="one_delivery_per_channel"
            ),
        ]
        indexes = [models.Index(fields=["channel", "status"])]

    def __str__(self) -> str:
        return f"{self.notification} → {self.channel} ({self.status})"


class Digest(models.Model):
    """One person's daily digest: at most one per person and local date."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="one_digest_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.day}"


class Preference(models.Model):
    """How one person wants one kind of notification; no row means the kind's default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    channel = models.CharField(_("how"), max_length=20, choices=Channel.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}: {self.channel}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class StageTarget(models.Model):
    """When the team means to have a stage approved."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_targets")
    stage = models.ForeignKey("checklists.Stage", on_delete=models.PROTECT, related_name="+")
    target_date = models.DateField(_("target date"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("stage target date")
        verbose_name_plural = _("stage target dates")
        constraints = [
            models.UniqueConstraint(fields=["project", "stage"], name="one_target_per_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.stage.key}: {self.target_date}"


class ItemAssignment(models.Model):
    """Who should answer an item, and by when (either may be empty)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assignments")
    item = models.ForeignKey("checklists.ChecklistItem", on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["project", "item"], name="one_assignment_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.item.key}: {self.assignee_id} {self.due_date}"


class CalendarFeed(models.Model):
    """A person's secret calendar address (ICS); a new token makes the old address stop."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user}"
