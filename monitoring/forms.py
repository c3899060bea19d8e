"""Forms validate; the services write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from validation.forms import LenientDecimalField

from .metrics import METRICS
from .models import Decision, PeriodKind
from .parsing import FORMATS

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class PlanForm(forms.Form):
    """A plan version for one data source; one row of fields per metric the source offers,
    pre-filled from the project's validation (`prefill`)."""

    period = forms.ChoiceField(label=_("Period"), choices=PeriodKind.choices)
    first_period = forms.CharField(
        label=_("First period"),
        max_length=10,
        help_text=_("YYYY-MM for months, YYYY-Www for weeks (e.g. 2026-01 or 2026-W02)."),
    )
    grace_days = forms.IntegerField(
        label=_("Days after a period ends before its data are overdue"),
        min_value=0,
        max_value=90,
        initial=15,
    )
    target_arl = forms.IntegerField(
        label=_("Periods between false alarms on average"),
        min_value=20,
        max_value=370,
        initial=100,
        help_text=_(
            "The in-control average run length the limits are chosen from: with 100, a stable "
            "product raises a false alarm about once in 100 periods."
        ),
    )
    agreed_actions = forms.CharField(
        label=_("Agreed actions when an alarm is raised"), widget=forms.Textarea(attrs={"rows": 3})
    )
    recipients = forms.MultipleChoiceField(
        label=_("Who receives alarms"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Nobody chosen: the AI competence unit, the innovation consultants and the owner."
        ),
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, source: str, members, prefill: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        self.fields["recipients"].choices = [(str(u.pk), str(u)) for u in members]
        self.metric_keys = [key for key, m in METRICS.items() if m.source == source]
        for key in self.metric_keys:
            metric = METRICS[key]
            suggestion = prefill.get(key, {})
            self.fields[f"use_{key}"] = forms.BooleanField(
                label=metric.label, required=False, initial="baseline" in suggestion
            )
            self.fields[f"baseline_{key}"] = LenientDecimalField(
                label=_("Baseline"),
                required=False,
                max_digits=12,
                decimal_places=6,
                initial=suggestion.get("baseline"),
            )
            self.fields[f"baseline_reason_{key}"] = forms.CharField(
                label=_("Reason if the baseline is changed"), required=False, max_length=180
            )
            self.fields[f"minimum_{key}"] = LenientDecimalField(
                label=_("Minimum acceptable"),
                required=False,
                max_digits=12,
                decimal_places=6,
                initial=suggestion.get("minimum"),
            )

    def metric_rows(self):
        return [
            {
                "key": key,
                "use": self[f"use_{key}"],
                "baseline": self[f"baseline_{key}"],
                "baseline_reason": self[f"baseline_reason_{key}"],
                "minimum": self[f"minimum_{key}"],
            }
            for key in self.metric_keys
        ]

    def clean(self):
        data = super().clean()
        for key in self.metric_keys:
            if data.get(f"use_{key}") and data.get(f"baseline_{key}") is None:
                self.add_error(f"baseline_{key}", _("Give the baseline of a monitored metric."))
        return data


class PeriodForm(forms.Form):
    """One period's figures, the columns of the source's file format."""

    period = forms.CharField(label=_("Period"), max_length=10)

    def __init__(self, *args, source: str, **kwargs):
        super().__init__(*args, **kwargs)
        for column in FORMATS[source]:
            self.fields[column.name] = forms.CharField(
                label=column.name, required=column.required, max_length=20
            )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or Excel)"),
        help_text=_("One row per period. All rows are imported, or none."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        return upload


class AssessForm(forms.Form):
    assessment = forms.CharField(
        label=_("Assessment"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What happened, how likely a real drop in performance is, and the risk to patients."
        ),
    )
    serious = forms.BooleanField(
        label=_("Serious incident (to be reported to the Danish Medicines Agency)"), required=False
    )


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
