"""Forms validate and return domain values; services write."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.core.validators import URLValidator
from django.db.models import Case, Q, When
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Organisation, User
from accounts.organisations import region_path
from checklists.models import ChecklistItem, Pathway
from checklists.roles import AnswerType, Role
from checklists.selectors import available_pathways

from .models import Action, Project
from .permissions import (
    can_invite_from_other_regions,
    grantable_roles,
    member_refusal,
    roles_of,
    team_change_refusal,
)

PLAIN_NUMBER = re.compile(r"^[+-]?\d{1,30}(\.\d{1,10})?$")
THOUSANDS = re.compile(r"^[+-]?\d{1,3}([.,])\d{3}(\1\d{3})*$")


def error_messages(form: forms.BaseForm) -> list[str]:
    """A form's errors as lines for the message area: "Label: error", or the error alone for
    errors of the whole form."""
    out = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        out += [f"{label}: {error}" if label else str(error) for error in errors]
    return out


def parse_decimal(text: str) -> Decimal | None:
    """A number as Danish or English users type it: 1.644.638,50 and 1,644,638.50 both work.

    With both separators the last one is the decimal mark. With one kind only, it is a thousands
    separator when it groups digits in threes ("1.250" and "1,250" are 1250), else the decimal
    mark ("12,5" and "12.5" are 12.5). Returns None for anything that is not a finite number.
    """
    text = text.strip().replace(" ", "").replace("\u00a0", "")
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal_mark == "," else ",", "").replace(",", ".")
    elif THOUSANDS.match(text):
        text = text.replace(",", "").replace(".", "")
    else:
        text = text.replace(",", ".")
    if not PLAIN_NUMBER.match(text):
        return None  # no exponents, NaN or infinity: people type plain numbers
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


YES_NO_NA_CHOICES = [("yes", _("Yes")), ("no", _("No")), ("na", _("Not applicable"))]


def latest_pathways(organisation=None):
    """The newest published version of each pathway available to `organisation`: what its new
    project starts on (the national ones, its own and those above it; see
    `checklists.selectors.available_pathways`)."""
    return available_pathways(organisation)


def first_sentence(text: str) -> str:
    """The first sentence of a description ("... godkendt. Forløbet ..." -> "... godkendt.")."""
    match = re.match(r"(.+?[.!?])\s+(?=[A-ZÆØÅ»«\"'])", text.strip(), re.DOTALL)
    return match.group(1) if match else text.strip()


def pathway_summary(pathway: Pathway) -> str:
    """One sentence on what a pathway is for, and how many stages it has."""
    count = pathway.stages.count()
    stages = ngettext("%(count)d stage.", "%(count)d stages.", count) % {"count": count}
    return f"{first_sentence(pathway.description)} {stages}".strip()


class BootstrapBoundField(forms.BoundField):
    """A field whose widget carries the Bootstrap 5 classes crispy-forms' bootstrap5 pack gives it
    (`textarea form-control`, `select form-select`, `checkboxinput form-check-input`, a file input's
    `form-control`, plus `is-invalid`), so that a form shown many times on a page can be laid out
    by the plain template partials/bootstrap5_form.html in the same markup."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if isinstance(widget, forms.RadioSelect):
            return attrs  # the template writes each option's classes
        name = type(widget).__name__.lower()
        if isinstance(widget, forms.CheckboxInput):
            classes = [name, "form-check-input"]
        elif isinstance(widget, forms.Select):
            classes = [name, "form-select"]
        elif isinstance(widget, forms.FileInput):
            classes = ["form-control"]
        else:
            classes = [name, "form-control"]
        classes = widget.attrs.get("class", "").split() + classes
        if self.errors:
            classes.append("is-invalid")
        attrs["class"] = " ".join(dict.fromkeys(classes))
        return attrs


class BootstrapForm(forms.Form):
    """A form laid out by partials/bootstrap5_form.html rather than by crispy-forms."""

    bound_field_class = BootstrapBoundField


class ProjectForm(forms.ModelForm):
    pathway = forms.ModelChoiceField(
        queryset=Pathway.objects.none(),
        label=_("Pathway"),
        empty_label=None,
        widget=forms.RadioSelect,
        help_text=_("You can continue a fast-track project in the full pathway later."),
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=_("The project belongs to"),
        help_text=_("The department, hospital or region that runs the project."),
        empty_label=None,
        required=False,
    )

    class Meta:
        model = Project
        fields = ["title", "clinical_need", "department", "product_name", "vendor_name", "pathway"]
        widgets = {"clinical_need": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "clinical_need": _("What problem do patients or staff have today, and how big is it?"),
            "product_name": _("If you already know it."),
            "vendor_name": _("If you already know it."),
        }

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The creator's own organisation or a unit below it; offered only where there is a
        # choice (a department's clinician starts projects in the department).
        units = (
            Organisation.objects.filter(path__startswith=organisation.path).order_by("path")
            if organisation is not None
            else Organisation.objects.none()
        )
        if len(units) > 1:
            depth = len(organisation.ancestor_ids)
            unit_field = self.fields["organisation"]
            unit_field.queryset = units
            unit_field.label_from_instance = lambda unit: (
                "– " * (len(unit.ancestor_ids) - depth) + unit.name
            )
            self.initial.setdefault("organisation", organisation.pk)
        else:
            del self.fields["organisation"]
        pathways = latest_pathways(organisation)
        field = self.fields["pathway"]
        default_q = Q(slug=settings.DEFAULT_PATHWAY) | Q(origin_slug=settings.DEFAULT_PATHWAY)
        field.queryset = Pathway.objects.filter(pk__in=[p.pk for p in pathways]).order_by(
            # The full procurement pathway (or an organisation's copy of it) first, then the
            # others by name.
            Case(When(default_q, then=0), default=1),
            "name_da",
        )
        # Versions are for administrators: a new project always starts on the newest one.
        field.label_from_instance = lambda p: p.name
        default = next(
            (p for p in pathways if settings.DEFAULT_PATHWAY in (p.slug, p.origin_slug)), None
        )
        if default is not None and not self.is_bound:
            self.initial.setdefault("pathway", default.pk)

    def pathway_options(self) -> list[dict]:
        """The pathway radio buttons with one sentence each, for the template."""
        summaries = {p.pk: pathway_summary(p) for p in self.fields["pathway"].queryset}
        return [
            {"radio": radio, "summary": summaries.get(radio.data["value"].value, "")}
            for radio in self["pathway"]
        ]


class MemberForm(forms.Form):
    """Offers only the roles `by` may give (the team rule in `permissions`), and says why a
    chosen person may not get the chosen role."""

    user = forms.ModelChoiceField(
        queryset=User.objects.none(), label=_("Person in the project's region"), required=False
    )
    invite = forms.CharField(
        label=_("Or invite someone from another region"),
        help_text=_("Their user name or e-mail address."),
        max_length=254,
        required=False,
    )
    role = forms.ChoiceField(choices=(), label=_("Role"))

    def __init__(self, *args, project: Project, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.by = by
        self.by_roles = roles_of(project, by)
        region = region_path(project.organisation) or "/-/"
        self.fields["user"].queryset = User.objects.filter(
            organisation__path__startswith=region, is_active=True
        ).order_by("first_name", "last_name", "username")
        self.fields["user"].label_from_instance = lambda u: f"{u} ({u.username})"
        if not can_invite_from_other_regions(project, by):
            del self.fields["invite"]
        offered = grantable_roles(project, by, by_roles=self.by_roles)
        self.fields["role"].choices = [(value, Role(value).label) for value in offered]

    def clean_invite(self) -> User | None:
        text = self.cleaned_data.get("invite", "").strip()
        if not text:
            return None
        found = list(
            User.objects.filter(is_active=True).filter(
                Q(username__iexact=text) | Q(email__iexact=text)
            )[:2]
        )
        if len(found) != 1:
            raise forms.ValidationError(
                _("No active user has this user name or e-mail address.")
                if not found
                else _("Several users have this e-mail address: give the user name.")
            )
        return found[0]

    def clean(self):
        cleaned = super().clean()
        chosen, invited = cleaned.get("user"), cleaned.get("invite")
        if chosen is not None and invited is not None and chosen != invited:
            raise forms.ValidationError(_("Choose one person: from the list or by invitation."))
        user = chosen or invited
        if user is None and "user" not in self.errors and "invite" not in self.errors:
            self.add_error("user", _("Choose a person."))
        cleaned["user"] = user
        cleaned.pop("invite", None)
        role = cleaned.get("role")
        if user is not None:
            refusal = member_refusal(self.project, self.by, user)
            if refusal is not None:
                self.add_error("user", _(refusal) % {"user": user})
        if user is not None and role:
            refusal = team_change_refusal(
                self.project, self.by, role, user=user, by_roles=self.by_roles
            )
            if refusal is not None:
                self.add_error("role", _(refusal) % {"role": Role(role).label})
        return cleaned


class TransitionForm(BootstrapForm):
    comment = forms.CharField(
        label=_("Reason or comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(TransitionForm):
    target = forms.ChoiceField(label=_("Return to stage"), choices=())

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(s.key, s.name) for s in project.earlier_stages()]
        self.fields["comment"].required = True
        self.fields["comment"].label = _("Reason")


class ReasonForm(TransitionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = True
        self.fields["comment"].label = _("Reason")


# The form each transition's reason is checked with (the web's buttons and the API).
TRANSITION_FORMS = {
    Action.APPROVED: TransitionForm,
    Action.RETURNED: ReturnForm,
    Action.STOPPED: ReasonForm,
    Action.REOPENED: TransitionForm,
    Action.RETIRED: ReasonForm,
}


class AnswerForm(BootstrapForm):
    """The answer to one checklist item; its field depends on the item's answer type. `cleaned`
    gives the value as stored (text), the justification and the upload.

    The project page shows one per item, so it is laid out by partials/bootstrap5_form.html (the
    markup of crispy-forms' bootstrap5 pack), not by crispy-forms, whose nested templates cost
    most of the page's time."""

    justification = forms.CharField(
        label=_("Justification"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, item: ChecklistItem, required: bool = True, **kwargs):
        self.item = item
        super().__init__(*args, prefix=f"item{item.pk}", **kwargs)
        self.fields["value"] = self._value_field(item)
        # Optional items may be left (or emptied); required ones show the required marker.
        self.fields["value"].required = required
        self.order_fields(["value", "justification"])
        if item.answer_type != AnswerType.YES_NO_NA:
            del self.fields["justification"]

    @staticmethod
    def _value_field(item: ChecklistItem) -> forms.Field:
        label = item.text
        kind = item.answer_type
        if kind == AnswerType.YES_NO_NA:
            return forms.ChoiceField(
                label=label, choices=YES_NO_NA_CHOICES, widget=forms.RadioSelect
            )
        if kind == AnswerType.CHOICE:
            return forms.ChoiceField(
                label=label, choices=item.choice_options(), widget=forms.RadioSelect
            )
        if kind == AnswerType.NUMBER:
            return forms.CharField(
                label=label, widget=forms.TextInput(attrs={"inputmode": "decimal"})
            )
        if kind == AnswerType.DATE:
            return forms.DateField(
                label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            )
        if kind == AnswerType.LINK:
            return forms.URLField(label=label, assume_scheme="https", max_length=2000)
        if kind == AnswerType.EVIDENCE:
            return forms.FileField(label=label)
        return forms.CharField(
            label=label, widget=forms.Textarea(attrs={"rows": 3}), max_length=10000
        )

    def clean_value(self):
        value = self.cleaned_data["value"]
        kind = self.item.answer_type
        if value in (None, "") and kind != AnswerType.EVIDENCE:
            return ""  # an optional item left empty
        if kind == AnswerType.NUMBER:
            number = parse_decimal(str(value))
            if number is None:
                raise forms.ValidationError(_("Enter a number, e.g. 1,250.5."))
            return format(number.normalize(), "f")
        if kind == AnswerType.DATE:
            return value.isoformat()
        if kind == AnswerType.LINK:
            URLValidator(schemes=["http", "https"])(value)
            return value
        if kind == AnswerType.EVIDENCE:
            return value
        return str(value).strip()

    def clean(self):
        cleaned = super().clean()
        if self.item.answer_type == AnswerType.YES_NO_NA:
            justification = (cleaned.get("justification") or "").strip()
            if cleaned.get("value") == "na" and not justification:
                self.add_error("justification", _("Explain why the item does not apply."))
            cleaned["justification"] = justification
        return cleaned
