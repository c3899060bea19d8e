"""Dated figures (maintained by administrators) and each project's business case."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .business_case import DEFAULT_HORIZON, MAX_HORIZON, BusinessCaseInput, parse_business_case
from .dated_data import DatedFact, DatedKey


class DatedValue(models.Model):
    """A figure the law or a ministry can change, with the period it is valid for and its
    source. A key may have several rows for different periods, and a proposal (e.g. the Digital
    Omnibus' postponed dates) next to the law in force."""

    key = models.CharField(_("figure"), max_length=80, choices=DatedKey.choices)
    value_decimal = models.DecimalField(
        _("number"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    value_date = models.DateField(_("date"), null=True, blank=True)
    valid_from = models.DateField(
        _("valid from"), null=True, blank=True, help_text=_("Empty: valid since always.")
    )
    valid_to = models.DateField(
        _("valid to (inclusive)"), null=True, blank=True, help_text=_("Empty: still valid.")
    )
    is_proposal = models.BooleanField(
        _("proposal, not adopted"),
        default=False,
        help_text=_(
            "Shown next to the law in force and marked as a proposal; never used instead. When "
            "a proposal is adopted, end the current row the day before the new date applies and "
            "add the adopted date as a row that is not a proposal."
        ),
    )
    source_title = models.CharField(_("source"), max_length=300)
    source_title_en = models.CharField(
        _("source in English"),
        max_length=300,
        blank=True,
        help_text=_(
            "The source's title in English; empty: the title above is shown in English too."
        ),
    )
    source_url = models.URLField(_("source link"), max_length=500, blank=True)
    as_of = models.DateField(_("as of"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key", "is_proposal", "valid_from"]
        verbose_name = _("dated figure")
        verbose_name_plural = _("dated figures")
        constraints = [
            models.CheckConstraint(
                condition=Q(value_decimal__isnull=True, value_date__isnull=False)
                | Q(value_decimal__isnull=False, value_date__isnull=True),
                name="dated_value_has_one_value",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="dated_value_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        period = f"{self.valid_from or '…'} – {self.valid_to or '…'}"
        marker = f" ({_('proposal')})" if self.is_proposal else ""
        return f"{self.get_key_display()}: {self.value} [{period}]{marker}"

    @property
    def value(self) -> Decimal | object:
        return self.value_date if DatedKey.holds_date(self.key) else self.value_decimal

    def clean(self) -> None:
        if DatedKey.holds_date(self.key):
            if self.value_date is None or self.value_decimal is not None:
                raise ValidationError(
                    {"value_date": _("This figure is a date: fill in the date only.")}
                )
        elif self.value_decimal is None or self.value_date is not None:
            raise ValidationError(
                {"value_decimal": _("This figure is a number: fill in the number only.")}
            )
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The period must end after it starts.")})
        overlapping = DatedValue.objects.filter(key=self.key, is_proposal=self.is_proposal)
        if self.valid_from:
            overlapping = overlapping.filter(
                Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from)
            )
        if self.valid_to:
            overlapping = overlapping.filter(
                Q(valid_from__isnull=True) | Q(valid_from__lte=self.valid_to)
            )
        if overlapping.exclude(pk=self.pk).exists():
            raise ValidationError(
                _("Another row for this figure covers part of the same period: end that one first.")
            )

    def as_fact(self) -> DatedFact:
        return DatedFact(
            key=self.key,
            value=self.value,
            valid_from=self.valid_from,
            valid_to=self.valid_to,
            is_proposal=self.is_proposal,
            source_title=self.source_title,
            source_title_en=self.source_title_en,
            source_url=self.source_url,
            as_of=self.as_of,
            note=self.note,
        )


class BusinessCase(models.Model):
    """A project's business case. `lines` holds the lines in the `business_case` command's input
    format; it is only written by `services.save_business_case`, after validation."""

    project = models.OneToOneField(
        "procurement.Project", on_delete=models.CASCADE, related_name="business_case"
    )
    horizon_years = models.PositiveSmallIntegerField(_("horizon (years)"), default=DEFAULT_HORIZON)
    discount_rate = models.DecimalField(_("discount rate"), max_digits=7, decimal_places=6)
    lines = models.JSONField(_("lines"), default=list)
    revision = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("business case")
        verbose_name_plural = _("business cases")
        constraints = [
            models.CheckConstraint(
                condition=Q(horizon_years__gte=1, horizon_years__lte=MAX_HORIZON),
                name="business_case_horizon_in_range",
            ),
            models.CheckConstraint(
                condition=Q(discount_rate__gte=0, discount_rate__lt=1),
                name="business_case_discount_rate_in_range",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Business case: %(project)s") % {"project": self.project})

    def as_input(self) -> BusinessCaseInput:
        return parse_business_case(
            {
                "horizon_years": self.horizon_years,
                "discount_rate": str(self.discount_rate),
                "lines": self.lines,
            }
        )
