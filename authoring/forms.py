"""Forms for a draft's stages and items: each turns its fields into the files' structure for
one stage or item; the loader's rules then judge the whole draft (`content.content_problems`)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from checklists.extensions import TOOLS
from checklists.loading import ITEM_KEY, STAGE_KEY
from checklists.roles import AnswerType, ResponsibleBody, Role

from .content import compact

PATHWAY_SLUG = re.compile(r"^[a-z0-9-]+$")  # what the loader's file names allow

TEXTAREA = {"rows": 3}


def _bilingual(da: str, en: str) -> dict | None:
    return {"da": da.strip(), "en": en.strip()} if (da.strip() or en.strip()) else None


def _lines(text: str) -> list[list[str]]:
    return [
        [part.strip() for part in line.split("|")] for line in text.splitlines() if line.strip()
    ]


def format_condition(condition: dict | None) -> str:
    if not condition:
        return ""
    if "rule" in condition:
        return f"rule: {condition['rule']}"
    values = [condition["equals"]] if "equals" in condition else condition.get("in", [])
    return f"{condition.get('item', '')} = {', '.join(map(str, values))}"


def parse_condition(text: str) -> dict | None:
    """`item.key = yes` or `item.key = a, b` or `rule: name`."""
    text = text.strip()
    if not text:
        return None
    if text.startswith("rule:"):
        return {"rule": text.removeprefix("rule:").strip()}
    if "=" not in text:
        raise forms.ValidationError(_("Write 'item.key = value, value' or 'rule: name'."))
    key, values = text.split("=", 1)
    values = [value.strip() for value in values.split(",") if value.strip()]
    if not values:
        raise forms.ValidationError(_("Name at least one answer after '='."))
    if len(values) == 1:
        return {"item": key.strip(), "equals": values[0]}
    return {"item": key.strip(), "in": values}


class StageForm(forms.Form):
    name_da = forms.CharField(label=_("Name (Danish)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    purpose_da = forms.CharField(
        label=_("Purpose (Danish)"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    purpose_en = forms.CharField(
        label=_("Purpose (English)"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    gate_question_da = forms.CharField(
        label=_("Gate question (Danish)"), required=False, max_length=300
    )
    gate_question_en = forms.CharField(
        label=_("Gate question (English)"), required=False, max_length=300
    )
    responsible_body = forms.ChoiceField(label=_("Responsible"), choices=ResponsibleBody.choices)
    roles = forms.MultipleChoiceField(
        label=_("Roles involved"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tools = forms.MultipleChoiceField(
        label=_("Tools"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tools"].choices = [(name, name) for name in sorted(TOOLS)]

    @staticmethod
    def initial_from(stage: dict) -> dict:
        initial = {
            "responsible_body": stage.get("responsible_body"),
            "roles": stage.get("roles") or [],
            "tools": stage.get("tools") or [],
        }
        for name in ("name", "purpose", "gate_question"):
            value = stage.get(name) or {}
            initial[f"{name}_da"], initial[f"{name}_en"] = value.get("da", ""), value.get("en", "")
        return initial

    def stage_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": _bilingual(data["name_da"], data["name_en"]),
            "purpose": _bilingual(data["purpose_da"], data["purpose_en"]),
            "responsible_body": data["responsible_body"],
            "gate_question": _bilingual(data["gate_question_da"], data["gate_question_en"]),
            "roles": list(data["roles"]),
            "tools": list(data["tools"]),
        }


class NewStageForm(StageForm):
    key = forms.CharField(
        label=_("Key"),
        max_length=80,
        help_text=_("Lower-case letters, digits and '_', e.g. 'pilot'. Cannot be changed later."),
    )
    field_order = ["key"]

    def clean_key(self):
        key = self.cleaned_data["key"].strip()
        if not STAGE_KEY.match(key):
            raise forms.ValidationError(
                _("Lower-case letters, digits and '_', starting with a letter.")
            )
        return key

    def stage(self) -> dict:
        return {"key": self.cleaned_data["key"], **compact(self.stage_fields()), "items": []}


class ItemForm(forms.Form):
    key = forms.CharField(
        label=_("Key"),
        max_length=120,
        help_text=_("Stable and unique, e.g. 'legal.dpia'. Cannot be changed later."),
    )
    text_da = forms.CharField(label=_("Text (Danish)"), widget=forms.Textarea(attrs=TEXTAREA))
    text_en = forms.CharField(label=_("Text (English)"), widget=forms.Textarea(attrs=TEXTAREA))
    help_da = forms.CharField(
        label=_("Help (Danish)"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    help_en = forms.CharField(
        label=_("Help (English)"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    role = forms.ChoiceField(label=_("Responsible role"), choices=Role.choices)
    type = forms.ChoiceField(label=_("Answer type"), choices=AnswerType.choices)
    required = forms.BooleanField(label=_("Required"), required=False)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("For a single-choice item: one per line, 'key | Danish | English'."),
    )
    condition = forms.CharField(
        label=_("Shown only when"),
        required=False,
        help_text=_("'item.key = value, value' (an earlier item's answers) or 'rule: name'."),
    )
    required_when = forms.CharField(
        label=_("Required when"),
        required=False,
        help_text=_("As above; only for an item that is not always required."),
    )
    signoff = forms.ChoiceField(
        label=_("Sign-off by"), choices=[("", "—"), *Role.choices], required=False
    )
    sources = forms.CharField(
        label=_("Sources"),
        required=False,
        widget=forms.Textarea(attrs=TEXTAREA),
        help_text=_("One per line: 'title | article | https://…' (article and link optional)."),
    )
    change_note_da = forms.CharField(
        label=_("Change note (Danish)"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    change_note_en = forms.CharField(
        label=_("Change note (English)"), required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )

    def __init__(self, *args, new: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not new:
            self.fields["key"].disabled = True
            self.fields["key"].help_text = ""

    @staticmethod
    def initial_from(item: dict) -> dict:
        initial = {
            "key": item.get("key", ""),
            "role": item.get("role"),
            "type": item.get("type"),
            "required": bool(item.get("required")),
            "signoff": item.get("signoff") or "",
            "condition": format_condition(item.get("condition")),
            "required_when": format_condition(item.get("required_when")),
            "choices": "\n".join(
                f"{c.get('key', '')} | {c.get('da', '')} | {c.get('en', '')}"
                for c in item.get("choices") or []
            ),
            "sources": "\n".join(
                " | ".join([s.get("title", ""), s.get("article", ""), s.get("url", "")]).rstrip(
                    " |"
                )
                for s in item.get("sources") or []
            ),
        }
        for name in ("text", "help", "change_note"):
            value = item.get(name) or {}
            initial[f"{name}_da"], initial[f"{name}_en"] = value.get("da", ""), value.get("en", "")
        return initial

    def clean_key(self):
        key = self.cleaned_data["key"].strip()
        if not ITEM_KEY.match(key):
            raise forms.ValidationError(_("A key looks like 'stage_key.item_key'."))
        return key

    def clean_choices(self):
        choices = []
        for parts in _lines(self.cleaned_data["choices"]):
            if len(parts) != 3:
                raise forms.ValidationError(_("Each choice needs 'key | Danish | English'."))
            choices.append({"key": parts[0], "da": parts[1], "en": parts[2]})
        return choices

    def clean_sources(self):
        sources = []
        for parts in _lines(self.cleaned_data["sources"]):
            if len(parts) > 3 or not parts[0]:
                raise forms.ValidationError(_("Each source needs a title first."))
            title, article, url = (parts + ["", ""])[:3]
            sources.append(compact({"title": title, "article": article, "url": url}))
        return sources

    def clean_condition(self):
        return parse_condition(self.cleaned_data["condition"])

    def clean_required_when(self):
        return parse_condition(self.cleaned_data["required_when"])

    def item(self) -> dict:
        data = self.cleaned_data
        return compact(
            {
                "key": data["key"],
                "text": _bilingual(data["text_da"], data["text_en"]),
                "help": _bilingual(data["help_da"], data["help_en"]),
                "role": data["role"],
                "type": data["type"],
                "required": data["required"] or None,
                "choices": data["choices"],
                "condition": data["condition"],
                "required_when": data["required_when"],
                "signoff": data["signoff"],
                "sources": data["sources"],
                "change_note": _bilingual(data["change_note_da"], data["change_note_en"]),
            }
        )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Pathway file (YAML)"))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Comment"), max_length=300, required=False)


class AdoptForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), label=_("Adopt for"), empty_label=None
    )
    slug = forms.SlugField(
        label=_("Short name of the copy"),
        max_length=80,
        help_text=_("Lower-case letters, digits and '-', e.g. 'indkoeb-ce-maerket-ai-rsd'."),
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations or Organisation.objects.none()

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if not PATHWAY_SLUG.match(slug):
            raise forms.ValidationError(_("Lower-case letters, digits and '-' only."))
        return slug
