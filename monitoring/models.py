"""Monitoring in operation: a versioned plan, aggregate data per period, the alarms the rules
raised and the incidents someone must decide.

A plan version is never changed once approved: a change is a new version with a reason, which
counts once an innovation consultant (not the person who proposed it) approves it. Period data
are aggregates only (counts, means), one row per (project, source, period); alarms are facts
(append-only); an incident is opened by its first alarm and closed by a decision taken by an
innovation consultant after the AI competence unit assessed it (two people).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from procurement.models import AppendOnly, Project

from .metrics import METRIC_CHOICES, SOURCE_CHOICES
from .periods import MONTH, WEEK


class PeriodKind(models.TextChoices):
    MONTH = MONTH, _("month")
    WEEK = WEEK, _("week")


class MonitoringPlan(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField(_("version"))
    source = models.CharField(_("data source"), max_length=20, choices=SOURCE_CHOICES)
    period = models.CharField(
        _("period"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.MONTH
    )
    first_period = models.CharField(_("first period"), max_length=10)
    grace_days = models.PositiveSmallIntegerField(
        _("days after the end of a period before its data are overdue"), default=15
    )
    target_arl = models.PositiveSmallIntegerField(
        _("periods between false alarms on average (in-control ARL)"), default=100
    )
    agreed_actions = models.TextField(_("agreed actions when an alarm is raised"))
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("alarm recipients"), blank=True, related_name="+"
    )
    reason = models.TextField(_("reason for the change"), blank=True)
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    is_demo = models.BooleanField(_("demonstration data"), default=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["project", "version"]
        verbose_name = _("monitoring plan")
        verbose_name_plural = _("monitoring plans")
        constraints = [
            models.UniqueConstraint(fields=["project", "version"], name="monitoring_plan_version"),
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(approved_by__isnull=True),
                name="monitoring_one_pending_plan",
            ),
            models.CheckConstraint(
                condition=models.Q(version=1) | ~models.Q(reason=""),
                name="monitoring_plan_change_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True)
                | ~models.Q(approved_by=models.F("proposed_by")),
                name="monitoring_plan_approved_by_someone_else",
            ),
            models.CheckConstraint(
                condition=models.Q(target_arl__gte=20) & models.Q(target_arl__lte=500),
                name="monitoring_plan_target_arl_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} v{self.version}"

    @property
    def is_approved(self) -> bool:
        return self.approved_by_id is not None


class PlanMetric(models.Model):
    plan = models.ForeignKey(MonitoringPlan, on_delete=models.CASCADE, related_name="metrics")
    metric = models.CharField(_("metric"), max_length=40, choices=METRIC_CHOICES)
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=6)
    baseline_source = models.CharField(_("where the baseline comes from"), max_length=200)
    minimum = models.DecimalField(
        _("minimum acceptable value"), max_digits=12, decimal_places=6, null=True, blank=True
    )
    minimum_source = models.CharField(_("where the minimum comes from"), max_length=200, blank=True)

    class Meta:
        ordering = ["plan", "pk"]
        verbose_name = _("monitored metric")
        verbose_name_plural = _("monitored metrics")
        constraints = [
            models.UniqueConstraint(fields=["plan", "metric"], name="monitoring_metric_once"),
        ]

    def __str__(self) -> str:
        return self.metric


class Via(models.TextChoices):
    FORM = "form", _("form")
    UPLOAD = "upload", _("file upload")
    API = "api", _("system interface")
    DEMO = "demo", _("generated demonstration data")


class PeriodData(models.Model):
    """One period's aggregates from one source. Re-sent data for the same period replace the
    values (the journal keeps the earlier ones); identical data change nothing."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(_("data source"), max_length=20, choices=SOURCE_CHOICES)
    period = models.CharField(_("period"), max_length=10)
    period_start = models.DateField(_("first day of the period"))
    values = models.JSONField(_("aggregates"))
    via = models.CharField(_("received by"), max_length=10, choices=Via.choices)
    is_demo = models.BooleanField(_("generated demonstration data"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project", "source", "period_start"]
        verbose_name = _("monitoring period")
        verbose_name_plural = _("monitoring periods")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "source", "period"], name="monitoring_period_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.source} {self.period}"


class Decision(models.TextChoices):
    CONTINUE = "continue", _("continue use")
    RESTRICT = "restrict", _("restrict use")
    RECALIBRATE = "recalibrate", _("ask the vendor to recalibrate")
    SUSPEND = "suspend", _("suspend use")
    DECOMMISSION = "decommission", _("decommission (retire the project)")


class Incident(models.Model):
    """Opened by an alarm; assessed by the AI competence unit, decided by an innovation
    consultant (someone else). Later alarms of the same metric join the open incident."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    metric = models.CharField(_("metric"), max_length=40, choices=METRIC_CHOICES)
    period = models.CharField(_("period of the first alarm"), max_length=10)
    opened_at = models.DateTimeField(auto_now_add=True)
    assessment = models.TextField(_("assessment"), blank=True)
    serious = models.BooleanField(_("serious incident (report to the authority)"), default=False)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessed_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("monitoring incident")
        verbose_name_plural = _("monitoring incidents")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "metric"],
                condition=models.Q(decided_by__isnull=True),
                name="monitoring_one_open_incident_per_metric",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True) | models.Q(assessed_by__isnull=False),
                name="monitoring_incident_assessed_before_decided",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True)
                | ~models.Q(decided_by=models.F("assessed_by")),
                name="monitoring_incident_four_eyes",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True) | ~models.Q(decision=""),
                name="monitoring_incident_decision_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.metric} {self.period}"

    @property
    def is_open(self) -> bool:
        return self.decided_by_id is None


class Alarm(AppendOnly):
    """A rule fired for a metric in a period (computed when the period's data arrived)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(MonitoringPlan, on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="alarms")
    metric = models.CharField(_("metric"), max_length=40, choices=METRIC_CHOICES)
    period = models.CharField(_("period"), max_length=10)
    rules = models.JSONField(_("rules that fired"))
    value = models.FloatField(_("value"), null=True)
    lower = models.FloatField(null=True)
    upper = models.FloatField(null=True)
    raised_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["raised_at", "pk"]
        verbose_name = _("monitoring alarm")
        verbose_name_plural = _("monitoring alarms")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "metric", "period"], name="monitoring_alarm_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.metric} {self.period}"
