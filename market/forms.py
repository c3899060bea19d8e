"""Forms validate and return domain values; the services write."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from procurement.forms import parse_decimal

from .cvr import validate_cvr
from .models import DialogueEntry, Product, Vendor

TEXT_LIMIT = 5000


class VendorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    cvr = forms.CharField(
        label=_("CVR number"),
        max_length=20,
        required=False,
        help_text=_("8 digits; leave empty for a vendor without a Danish CVR number."),
    )
    contact = forms.CharField(
        label=_("Contact"),
        max_length=300,
        required=False,
        help_text=_("Name, e-mail and phone of the vendor's contact person."),
    )

    def clean_cvr(self) -> str:
        value = self.cleaned_data["cvr"].strip()
        return validate_cvr(value) if value else ""


class VendorChangeForm(VendorForm):
    # The winner is set by finishing the evaluation, not here.
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(v, label) for v, label in Vendor.Status.choices if v != Vendor.Status.WINNER],
    )
    exclusion_reason = forms.CharField(
        label=_("Reason for exclusion"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if (
            data.get("status") == Vendor.Status.EXCLUDED
            and not data.get("exclusion_reason", "").strip()
        ):
            self.add_error("exclusion_reason", _("Give the reason for excluding the vendor."))
        return data


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Product"), max_length=200)
    ce_marked = forms.BooleanField(label=_("CE-marked"), required=False)
    device_class = forms.ChoiceField(
        label=_("MDR class"), choices=[("", "–"), *Product.DeviceClass.choices], required=False
    )
    notified_body = forms.CharField(
        label=_("Notified body"),
        max_length=200,
        required=False,
        help_text=_("Name and four-digit number, e.g. BSI Group The Netherlands B.V. (2797)."),
    )


def _check_size(upload, limit: int | None = None):
    limit = limit or settings.EVIDENCE_MAX_BYTES
    if upload is not None and upload.size > limit:
        raise forms.ValidationError(
            _("The file is too large (%(size)s). The limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    return upload


class DialogueForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DialogueEntry.Kind.choices)
    vendor = forms.ModelChoiceField(
        label=_("Vendor"),
        queryset=Vendor.objects.none(),
        required=False,
        help_text=_("For a meeting or a question; information goes to every vendor in dialogue."),
    )
    occurred_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    title = forms.CharField(label=_("Subject"), max_length=200)
    text = forms.CharField(
        label=_("Text"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(label=_("File (optional)"), required=False)

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = Vendor.objects.filter(
            project=project, status=Vendor.Status.IN_DIALOGUE
        )

    def clean_file(self):
        return _check_size(self.cleaned_data.get("file"))

    def clean(self):
        data = super().clean()
        if data.get("kind") != DialogueEntry.Kind.INFORMATION and not data.get("vendor"):
            self.add_error("vendor", _("Choose the vendor in dialogue."))
        return data


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("The region's answer"),
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Published at once to every vendor in dialogue."),
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))

    def clean_file(self):
        return _check_size(self.cleaned_data["file"])


class EvaluatorForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Team member"), coerce=int)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {m.pk: m for m in members}
        self.fields["user"].choices = [
            (m.pk, m.get_full_name() or m.username) for m in self.members.values()
        ]

    def clean_user(self):
        return self.members[self.cleaned_data["user"]]


class ScaleForm(forms.Form):
    low = forms.IntegerField(label=_("Lowest score"), min_value=0, max_value=999)
    high = forms.IntegerField(label=_("Highest score"), min_value=1, max_value=1000)

    def clean(self):
        data = super().clean()
        if data.get("low") is not None and data.get("high") is not None:
            if data["high"] <= data["low"]:
                self.add_error("high", _("The highest score must be above the lowest."))
        return data


class DecimalText(forms.CharField):
    """A score typed the Danish or the English way (7,5 or 7.5), at most two decimals."""

    def to_python(self, value):
        text = super().to_python(value)
        if not text:
            return None
        if len(text) > 12:
            raise forms.ValidationError(_("Enter a number with at most two decimals."))
        number = parse_decimal(text)
        if number is None or not number.is_finite() or number.as_tuple().exponent < -2:
            raise forms.ValidationError(_("Enter a number with at most two decimals."))
        return number


class ScoreForm(forms.Form):
    value = DecimalText(label=_("Score"))
    justification = forms.CharField(
        label=_("Justification"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConsensusForm(forms.Form):
    value = DecimalText(label=_("Consensus score"))
    reason = forms.CharField(
        label=_("Reason"), max_length=TEXT_LIMIT, widget=forms.Textarea(attrs={"rows": 2})
    )


class MinimumCheckForm(forms.Form):
    met = forms.TypedChoiceField(
        label=_("Met"),
        choices=[("yes", _("met")), ("no", _("not met"))],
        coerce=lambda value: value == "yes",
    )
    note = forms.CharField(label=_("Note"), max_length=TEXT_LIMIT, required=False)
