"""Forms validate and return domain values; services write."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from checklists.models import ChecklistItem, Stage
from procurement.models import Project

from .models import Requirement
from .requirements import format_percent

WEIGHT = re.compile(r"^\d{1,3}([.,]\d{1,2})?$")


class RequirementForm(forms.Form):
    """One requirement. `source` is one select holding the pathway's stages and their items
    ("stage:<id>" or "item:<id>"); it cleans to `source_stage` and `source_item`."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Requirement.Kind.choices)
    weight = forms.CharField(
        label=_("Weight (%)"),
        required=False,
        max_length=8,
        help_text=_("Award criteria only; all weights together make 100 %."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
    )
    text = forms.CharField(
        label=_("Requirement"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    verification = forms.CharField(
        label=_("How it is verified"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    source = forms.ChoiceField(label=_("Source"), required=False)

    def __init__(self, *args, project: Project, choices: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        # The choices are the same for every row of a list: build them once and pass them in.
        self.fields["source"].choices = choices if choices is not None else source_choices(project)
        if self.prefix != "new":
            # The rule is explained once, on the add form and in the list's summary.
            self.fields["weight"].help_text = ""
        for field in self.fields.values():
            size = "form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control-sm"
            field.widget.attrs["class"] = size

    def clean_weight(self) -> Decimal | None:
        text = self.cleaned_data["weight"].strip().rstrip("%").strip()
        if not text:
            return None
        if not WEIGHT.match(text):
            raise forms.ValidationError(_("Enter a percentage, e.g. 30 or 12,5."))
        try:
            return Decimal(text.replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the pattern already refuses these
            raise forms.ValidationError(_("Enter a percentage, e.g. 30 or 12,5.")) from None

    def clean(self):
        data = super().clean()
        if data.get("kind") == Requirement.Kind.AWARD:
            weight = data.get("weight")
            if weight is None and "weight" not in self.errors:
                self.add_error("weight", _("An award criterion needs a weight."))
            elif weight is not None and not 0 < weight <= 100:
                self.add_error("weight", _("The weight must be above 0 and at most 100 %."))
        return data

    def clean_source(self) -> tuple[Stage | None, ChecklistItem | None]:
        value = self.cleaned_data["source"]
        if not value:
            return None, None
        kind, _sep, pk = value.partition(":")
        if kind == "stage":
            stage = Stage.objects.filter(pk=pk, pathway_id=self.project.pathway_id).first()
            if stage:
                return stage, None
        elif kind == "item":
            item = ChecklistItem.objects.filter(
                pk=pk, stage__pathway_id=self.project.pathway_id
            ).first()
            if item:
                return item.stage, item
        raise forms.ValidationError(_("Choose a stage or an item from the list."))

    def service_kwargs(self) -> dict:
        stage, item = self.cleaned_data["source"]
        return {
            "text": self.cleaned_data["text"],
            "kind": self.cleaned_data["kind"],
            "weight": self.cleaned_data["weight"],
            "verification": self.cleaned_data["verification"],
            "source_stage": stage,
            "source_item": item,
        }


def source_choices(project: Project) -> list:
    """The pathway's stages, each followed by its items, grouped per stage for the select."""
    choices: list = [("", _("— none —"))]
    items_by_stage: dict[int, list[ChecklistItem]] = {}
    for item in ChecklistItem.objects.filter(stage__pathway_id=project.pathway_id):
        items_by_stage.setdefault(item.stage_id, []).append(item)
    for stage in project.stages:
        label = f"{stage.number}. {stage.name}"
        options = [(f"stage:{stage.pk}", _("The stage as a whole"))]
        options += [(f"item:{item.pk}", item.text) for item in items_by_stage.get(stage.pk, [])]
        choices.append((label, options))
    return choices


def initial_for(requirement: Requirement) -> dict:
    if requirement.source_item_id:
        source = f"item:{requirement.source_item_id}"
    elif requirement.source_stage_id:
        source = f"stage:{requirement.source_stage_id}"
    else:
        source = ""
    weight = ""
    if requirement.weight is not None:
        weight = format_percent(requirement.weight)
    return {
        "kind": requirement.kind,
        "weight": weight,
        "text": requirement.text,
        "verification": requirement.verification,
        "source": source,
    }
