"""Forms validate; the services write. They are laid out by partials/bootstrap5_form.html (the
validation panel shows two per criterion on the project page)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from procurement.forms import BootstrapForm

from .criteria import METRIC_CHOICES
from .kinds import Direction, JudgedOn, SiteKind, UploadKind, WaveStatus
from .models import EvaluationSite


class LenientDecimalField(forms.DecimalField):
    """A number with a decimal comma or point, whatever the page's language: "0,85" and
    "0.85" are the same threshold."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(" ", "").replace("\u00a0", "")
            if "," in value and "." not in value:
                value = value.replace(",", ".")
        return super().to_python(value)


class SiteForm(BootstrapForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Hospital or practice"), choices=SiteKind.choices)
    department = forms.CharField(label=_("Department"), max_length=200, required=False)
    wave = forms.IntegerField(
        label=_("Wave"),
        min_value=1,
        max_value=20,
        initial=1,
        help_text=_("Sites in wave 1 start first."),
    )


class WaveForm(BootstrapForm):
    number = forms.IntegerField(label=_("Wave"), min_value=1, max_value=20, initial=1)
    name = forms.CharField(
        label=_("Name"), max_length=120, help_text=_("For example “Almen praksis, Fyn”.")
    )
    starts_on = forms.DateField(
        label=_("Starts"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Ends"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=WaveStatus.choices,
        initial=WaveStatus.PLANNED,
        help_text=_(
            "Sites in a running or finished wave are expected to deliver results: a criterion "
            "for every site is not decided until they have."
        ),
    )

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The wave cannot end before it starts."))
        return data


class CriterionForm(BootstrapForm):
    metric = forms.ChoiceField(label=_("Metric"), choices=METRIC_CHOICES)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    threshold = LenientDecimalField(label=_("Threshold"), max_digits=12, decimal_places=4)
    judged_on = forms.ChoiceField(
        label=_("Judged on"),
        choices=JudgedOn.choices,
        initial=JudgedOn.BOUND,
        # xgettext:no-python-format
        help_text=_("The bound is the lower 95 % confidence bound for ≥ and the upper for ≤."),
    )
    every_group = forms.BooleanField(
        label=_("Every site and subgroup must meet it, not only the pooled result"),
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required once results have been uploaded (the criteria are then locked)."),
    )


class WithdrawForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required once results have been uploaded."),
    )


class UploadForm(BootstrapForm):
    site = forms.ModelChoiceField(label=_("Site"), queryset=EvaluationSite.objects.none())
    kind = forms.ChoiceField(label=_("Kind of results"), choices=UploadKind.choices)
    file = forms.FileField(
        label=_("File (CSV or Excel)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    threshold = LenientDecimalField(
        label=_("Operating threshold (classification)"),
        required=False,
        min_value=0,
        max_value=1,
        max_digits=12,
        decimal_places=6,
        help_text=_(
            "The vendor's locked threshold: a case is positive when its score is at least this. "
            "Leave empty when the file has a decision column."
        ),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = EvaluationSite.objects.filter(project=project)


class OverrideForm(BootstrapForm):
    justification = forms.CharField(
        label=_("Justification"),
        min_length=20,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the project may go on although the criteria are not met."),
    )
