"""The business case editor: a form whose fields follow the case's shape (lines x scenarios x
years). It validates through the same `parse_business_case` the command uses, and puts each
problem next to the field it names; it never writes."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .business_case import (
    BENEFIT,
    DEFAULT_HORIZON,
    KINDS,
    MAX_HORIZON,
    MAX_LINES,
    ONE_OFF_COST,
    RUNNING_COST,
    SCENARIOS,
    BusinessCaseInput,
    parse_business_case,
)
from .formatting import format_amount
from .reasoning import InvalidInput

KIND_LABELS = {
    ONE_OFF_COST: _("One-off cost"),
    RUNNING_COST: _("Running cost"),
    BENEFIT: _("Benefit"),
}
ESTIMATE_LABELS = {"low": _("Low"), "expected": _("Expected"), "high": _("High")}
STARTER_KINDS = (ONE_OFF_COST, RUNNING_COST, BENEFIT)
DANISH_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")
ERROR_PATH = re.compile(r"^lines\[(\d+)\]\.(\w+)(?:\[(\d+)\])?$")
AMOUNT_ERROR = _("Enter an amount in kroner, e.g. 1.250.000.")


def parse_amount(text: str) -> Decimal | None:
    """A number as Danish or English users write it: "1.250.000", "1250000,50", "1,250,000.5".
    Blank is None. Dots grouping digits in threes are thousands separators (amounts in kroner
    rarely have three decimals). Raises ValueError for anything else."""
    text = text.strip().replace(" ", "").replace("\u00a0", "").replace("kr.", "")
    if not text:
        return None
    if "," in text and ("." not in text or text.rfind(",") > text.rfind(".")):
        text = text.replace(".", "").replace(",", ".")
    elif DANISH_THOUSANDS.match(text):
        text = text.replace(".", "")
    else:
        text = text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    if not number.is_finite():
        raise ValueError(text)
    return number


def amount_text(value: Decimal) -> str:
    """An amount as the editor shows it: "1.450.000", or "1.450.000,50" with øre."""
    return format_amount(value, 0 if value == value.to_integral_value() else 2)


class AmountField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "decimal", "class": "form-control form-control-sm text-end"}
            ),
        )
        super().__init__(max_length=40, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        try:
            return parse_amount(text or "")
        except ValueError:
            raise forms.ValidationError(AMOUNT_ERROR) from None


def _bounded_int(value, default: int, low: int, high: int) -> int:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return default
    return min(max(number, low), high)


class BusinessCaseForm(forms.Form):
    horizon_years = forms.TypedChoiceField(
        label=_("Horizon"),
        coerce=int,
        choices=[(n, n) for n in range(1, MAX_HORIZON + 1)],
        help_text=_("Years, counted from year 0 (the first year)."),
    )
    discount_rate = forms.CharField(
        label=_("Discount rate (%)"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    line_count = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_LINES)
    add_line = forms.ChoiceField(
        label=_("Add a line"),
        required=False,
        choices=[("", _("Choose the kind of line to add"))]
        + [(kind, label) for kind, label in KIND_LABELS.items()],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(
        self,
        data=None,
        *,
        case: BusinessCaseInput | None = None,
        default_rate: Decimal | None = None,
        **kwargs,
    ):
        if data is not None:
            self.horizon = _bounded_int(data.get("horizon_years"), DEFAULT_HORIZON, 1, MAX_HORIZON)
            self.line_count = _bounded_int(data.get("line_count"), 0, 0, MAX_LINES)
            initial = {}
        else:
            self.horizon = case.horizon_years if case else DEFAULT_HORIZON
            self.line_count = len(case.lines) if case else len(STARTER_KINDS)
            initial = self._initial(case, default_rate)
        super().__init__(data, initial=initial, auto_id="bc_%s", **kwargs)
        self.fields["line_count"].initial = self.line_count
        for index in range(self.line_count):
            self._add_line_fields(index, data, initial)
        self.case: BusinessCaseInput | None = None

    def _initial(self, case, default_rate) -> dict:
        rate = case.discount_rate if case else default_rate
        initial = {
            "horizon_years": self.horizon,
            "discount_rate": format_amount(rate * 100, 2).rstrip("0").rstrip(",")
            if rate is not None
            else "",
            "line_count": self.line_count,
        }
        if case is None:
            for index, kind in enumerate(STARTER_KINDS):
                initial[f"line{index}_kind"] = kind
            return initial
        for index, line in enumerate(case.lines):
            initial[f"line{index}_kind"] = line.kind
            initial[f"line{index}_label"] = line.label
            initial[f"line{index}_owner"] = line.owner
            for scenario in SCENARIOS:
                for year, value in enumerate(line.estimate(scenario)):
                    initial[f"line{index}_{scenario}_{year}"] = amount_text(value)
        return initial

    def _add_line_fields(self, index: int, data, initial: dict) -> None:
        number = index + 1
        name = ((data or initial).get(f"line{index}_label") or "").strip()
        line_name = name or _("Line %(number)d") % {"number": number}
        self.fields[f"line{index}_kind"] = forms.ChoiceField(
            label=_("Line %(number)d: kind") % {"number": number},
            choices=[(kind, KIND_LABELS[kind]) for kind in KINDS],
            widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
        )
        self.fields[f"line{index}_label"] = forms.CharField(
            label=_("Line %(number)d: name") % {"number": number},
            required=False,
            max_length=200,
            widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
        )
        self.fields[f"line{index}_owner"] = forms.CharField(
            label=_("Line %(number)d: owner") % {"number": number},
            required=False,
            max_length=200,
            widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
        )
        self.fields[f"line{index}_remove"] = forms.BooleanField(
            label=_("Remove line %(number)d") % {"number": number}, required=False
        )
        for scenario in SCENARIOS:
            for year in range(self.horizon):
                self.fields[f"line{index}_{scenario}_{year}"] = AmountField(
                    label=_("%(line)s: %(estimate)s estimate, year %(year)d")
                    % {"line": line_name, "estimate": ESTIMATE_LABELS[scenario], "year": year},
                )

    # --- layout for the template ---------------------------------------------------------------

    def line_rows(self) -> list[dict]:
        rows = []
        for index in range(self.line_count):
            rows.append(
                {
                    "index": index,
                    "number": index + 1,
                    "kind": self[f"line{index}_kind"],
                    "label": self[f"line{index}_label"],
                    "owner": self[f"line{index}_owner"],
                    "remove": self[f"line{index}_remove"],
                    "estimates": [
                        {
                            "name": scenario,
                            "label": ESTIMATE_LABELS[scenario],
                            "cells": [
                                self[f"line{index}_{scenario}_{year}"]
                                for year in range(self.horizon)
                            ],
                        }
                        for scenario in SCENARIOS
                    ],
                }
            )
        return rows

    def years(self) -> list[int]:
        return list(range(self.horizon))

    def error_list(self) -> list[dict]:
        """Every error with its field's label and id, for the summary next to the results."""
        found = [{"label": "", "id": "", "message": e} for e in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name == NON_FIELD_ERRORS:
                continue
            field = self[name]
            found += [
                {"label": field.label, "id": field.id_for_label, "message": e} for e in errors
            ]
        return found

    # --- validation ----------------------------------------------------------------------------

    def clean_discount_rate(self) -> Decimal:
        try:
            percent = parse_amount(self.cleaned_data["discount_rate"])
        except ValueError:
            percent = None
        if percent is None:
            raise forms.ValidationError(_("Enter the discount rate in per cent, e.g. 3,5."))
        return percent / 100

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        kept: list[int] = []
        lines = []
        for index in range(self.line_count):
            line = self._line(index, cleaned)
            if line is not None:
                kept.append(index)
                lines.append(line)
        raw = {
            "horizon_years": cleaned["horizon_years"],
            "discount_rate": cleaned["discount_rate"],
            "lines": lines,
        }
        try:
            self.case = parse_business_case(raw)
        except InvalidInput as exc:
            for path, message in exc.errors:
                self.add_error(self._field_for(path, kept), message)
        return cleaned

    def _line(self, index: int, cleaned: dict) -> dict | None:
        """The line as the parser's input; None for an untouched line (no name, owner or
        amount), which is left out rather than refused."""
        label = cleaned.get(f"line{index}_label", "").strip()
        owner = cleaned.get(f"line{index}_owner", "").strip()
        amounts = {
            scenario: [
                cleaned.get(f"line{index}_{scenario}_{year}") or Decimal(0)
                for year in range(self.horizon)
            ]
            for scenario in SCENARIOS
        }
        if not label and not owner and not any(v for a in amounts.values() for v in a):
            return None
        return {"kind": cleaned[f"line{index}_kind"], "label": label, "owner": owner, **amounts}

    def _field_for(self, path: str, kept: list[int]) -> str | None:
        if path in ("horizon_years", "discount_rate"):
            return path
        match = ERROR_PATH.match(path)
        if not match or int(match[1]) >= len(kept):
            return None
        index, name, year = kept[int(match[1])], match[2], match[3]
        if name in SCENARIOS:
            return f"line{index}_{name}_{year}" if year is not None else f"line{index}_label"
        return f"line{index}_{name}" if name in ("kind", "label", "owner") else None


def reshape(post: QueryDict) -> tuple[dict, bool]:
    """Apply the editor's structural fields to the posted data: `line<n>_remove` removes line n,
    `add_line` (a kind) adds an empty line of that kind. Returns the data, with those fields
    consumed, and whether the editor's shape changed (a line added or removed, or another
    horizon), so the whole editor is redrawn.

    They are fields, not submit buttons, on purpose: htmx sends the last focused submit button's
    value (and its formaction) with every request of the form, so tabbing past a "remove" button
    while a save was queued would remove a line."""
    data = {key: post.get(key) for key in post}
    count = _bounded_int(data.get("line_count"), 0, 0, MAX_LINES)
    reshaped = data.get("horizon_years") != data.pop("rendered_horizon", data.get("horizon_years"))
    add = data.pop("add_line", "") or ""
    prefix = re.compile(r"^line(\d+)_(.*)$")
    removed = {i for i in range(count) if data.pop(f"line{i}_remove", "") in ("on", "true", "1")}
    if removed:
        kept = [i for i in range(count) if i not in removed]
        renumber = {old: new for new, old in enumerate(kept)}
        shifted = {}
        for key, value in data.items():
            match = prefix.match(key)
            if not match:
                shifted[key] = value
            elif int(match[1]) in renumber:
                shifted[f"line{renumber[int(match[1])]}_{match[2]}"] = value
        data, count = shifted, len(kept)
        data["line_count"] = str(count)
        reshaped = True
    if add in KINDS and count < MAX_LINES:
        data[f"line{count}_kind"] = add
        data["line_count"] = str(count + 1)
        reshaped = True
    return data, reshaped
