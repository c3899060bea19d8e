from django import forms
from django.utils.translation import gettext_lazy as _

from .answering import MAX_QUESTION_LENGTH


class QuestionForm(forms.Form):
    q = forms.CharField(
        label=_("Ask the guide"),
        max_length=MAX_QUESTION_LENGTH,
        strip=True,
        error_messages={
            "required": _("Write a question."),
            "max_length": _("Keep the question under %(limit_value)d characters."),
        },
    )
    project = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    page = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)


class RatingForm(forms.Form):
    helpful = forms.ChoiceField(choices=[("yes", _("Helpful")), ("no", _("Not helpful"))])
