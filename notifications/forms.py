from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import DEFAULT_CHANNEL, Channel, Kind

# The kinds a person chooses for, in the order the page lists them.
CHOOSABLE = list(DEFAULT_CHANNEL)


class PreferencesForm(forms.Form):
    """One choice per kind (at once, digest, app only), and the language of the mails."""

    language = forms.ChoiceField(label=_("Language of e-mails"), choices=settings.LANGUAGES)

    def __init__(self, *args, current: dict[str, str], language: str, **kwargs):
        super().__init__(*args, initial={"language": language, **current}, **kwargs)
        for kind in CHOOSABLE:
            self.fields[kind] = forms.ChoiceField(
                label=Kind(kind).label,
                choices=Channel.choices,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )

    def kind_fields(self):
        return [self[kind] for kind in CHOOSABLE]

    def channels(self) -> dict[str, str]:
        return {kind: self.cleaned_data[kind] for kind in CHOOSABLE}


class StageTargetForm(forms.Form):
    target_date = forms.DateField(
        label=_("Target date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class AssignmentForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assigned to"), queryset=None, required=False, empty_label="—"
    )
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = members
