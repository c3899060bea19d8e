"""Validation with numbers: evaluation sites, acceptance criteria fixed in advance, uploaded
results, an override, and an append-only audit trail.

Criteria, uploads and audit events are never changed or deleted: a change to a criterion is a new
row that replaces the old one (with a reason once the criteria are locked), so the history of what
was promised before the data were seen stays readable. The criteria of a phase are locked from the
moment its first results are uploaded.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from procurement.models import AppendOnly, Project

from .criteria import METRIC_CHOICES
from .kinds import Direction, JudgedOn, Phase, SiteKind, UploadKind, WaveStatus


class EvaluationSite(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="evaluation_sites")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("hospital or practice"), max_length=30, choices=SiteKind.choices)
    department = models.CharField(_("department"), max_length=200, blank=True)
    wave = models.PositiveSmallIntegerField(
        _("wave"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    is_demo = models.BooleanField(_("demonstration site"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["wave", "name"]
        verbose_name = _("evaluation site")
        verbose_name_plural = _("evaluation sites")
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="unique_site_name"),
            models.CheckConstraint(condition=models.Q(wave__gte=1), name="site_wave_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Wave(models.Model):
    """A step of a stepwise roll-out, with a name, dates and a status. Sites name their wave by
    number; in the prospective phase a site in a running or finished wave is meant to deliver
    results, so a criterion judged at every site is undecided until it has."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveSmallIntegerField(
        _("wave"), validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    name = models.CharField(_("name"), max_length=120)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=WaveStatus.choices, default=WaveStatus.PLANNED
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("wave")
        verbose_name_plural = _("waves")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="unique_wave_number"),
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="wave_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Criterion(AppendOnly):
    """One version of an acceptance criterion. The current criteria of a phase are the versions
    nobody replaced that are not withdrawals."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    metric = models.CharField(_("metric"), max_length=40, choices=METRIC_CHOICES)
    direction = models.CharField(_("direction"), max_length=2, choices=Direction.choices)
    threshold = models.DecimalField(_("threshold"), max_digits=12, decimal_places=4)
    judged_on = models.CharField(
        _("judged on"), max_length=10, choices=JudgedOn.choices, default=JudgedOn.BOUND
    )
    every_group = models.BooleanField(_("every site and subgroup must meet it"), default=False)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    after_lock = models.BooleanField(_("changed after the first results"), default=False)
    reason = models.TextField(_("reason for the change"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("acceptance criterion")
        verbose_name_plural = _("acceptance criteria")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(after_lock=False) | ~models.Q(reason=""),
                name="criterion_change_after_lock_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn=False) | models.Q(replaces__isnull=False),
                name="criterion_withdrawal_replaces_one",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.get_direction_display()} {self.threshold}"


class ResultUpload(AppendOnly):
    """An uploaded results file of one kind for one site and phase: the parsed rows (`data`) and
    the original file, stored outside the web root under a generated name with its SHA-256.
    A later upload of the same kind for the same site and phase supersedes it in the results."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey(
        EvaluationSite, verbose_name=_("site"), on_delete=models.PROTECT, related_name="uploads"
    )
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    kind = models.CharField(_("kind of results"), max_length=20, choices=UploadKind.choices)
    original_name = models.CharField(_("file name"), max_length=255)
    stored_name = models.CharField(max_length=64, unique=True, editable=False)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    threshold = models.DecimalField(
        _("operating threshold"), max_digits=12, decimal_places=6, null=True, blank=True
    )
    row_count = models.PositiveIntegerField(_("rows"))
    data = models.JSONField()
    is_demo = models.BooleanField(_("generated demonstration data"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("results upload")
        verbose_name_plural = _("results uploads")

    def __str__(self) -> str:
        return self.original_name


class PhaseResult(models.Model):
    """The computed results of a phase (a cache of the uploads, recomputed on every upload in the
    same transaction): {kind: {pooled, waves, sites, subgroups}}."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    data = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("computed results")
        verbose_name_plural = _("computed results")
        constraints = [
            models.UniqueConstraint(fields=["project", "phase"], name="one_result_per_phase"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.phase}"


class Override(models.Model):
    """A justified decision to pass the validation gate although the criteria are not met,
    recorded by an innovation consultant; it counts once the AI competence unit signs it off
    (someone else than the person who recorded it)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    justification = models.TextField(_("justification"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("override")
        verbose_name_plural = _("overrides")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "phase"],
                condition=models.Q(signed_off_by__isnull=True),
                name="one_pending_override_per_phase",
            ),
            models.CheckConstraint(
                condition=models.Q(signed_off_by__isnull=True)
                | ~models.Q(signed_off_by=models.F("recorded_by")),
                name="override_signed_by_someone_else",
            ),
            models.CheckConstraint(
                condition=models.Q(signed_off_by__isnull=True)
                | models.Q(signed_off_at__isnull=False),
                name="override_signoff_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.phase} override"

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_by_id is not None

    def delete(self, *args, **kwargs):
        raise PermissionError("Overrides are never deleted.")


class AuditAction(models.TextChoices):
    SITE_ADDED = "site_added", _("site added")
    WAVE_SAVED = "wave_saved", _("wave saved")
    CRITERION_ADDED = "criterion_added", _("criterion added")
    CRITERION_CHANGED = "criterion_changed", _("criterion changed")
    CRITERION_WITHDRAWN = "criterion_withdrawn", _("criterion withdrawn")
    CRITERIA_LOCKED = "criteria_locked", _("criteria locked")
    RESULTS_UPLOADED = "results_uploaded", _("results uploaded")
    VERDICT = "verdict", _("verdict")
    OVERRIDE_RECORDED = "override_recorded", _("override recorded")
    OVERRIDE_SIGNED_OFF = "override_signed_off", _("override signed off")


class AuditEvent(AppendOnly):
    """One line of the validation's audit trail, written in the same transaction as the change.
    `data` holds the facts (ids, values, verdicts); the text is made when it is shown, in the
    reader's language."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, blank=True)
    action = models.CharField(_("action"), max_length=30, choices=AuditAction.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("validation audit event")
        verbose_name_plural = _("validation audit trail")

    def __str__(self) -> str:
        return f"{self.project_id}: {self.action}"
