"""The project page lays out each item's answer form and the validation panel's forms with a
template of its own (partials/bootstrap5_form.html), not with crispy-forms, whose nested templates
cost most of the page's time. The markup must stay the one crispy-forms' bootstrap5 pack writes,
which the page's script, the browser tests and assistive technology rely on: names, ids, labels,
legends, required markers, aria attributes, error texts, help texts, Bootstrap classes. Compared
here for every answer type and every validation form: empty, filled, refused, taken."""

from types import SimpleNamespace

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test.html import parse_html

from checklists.loading import discover_files, load_pathways
from checklists.models import ChecklistItem
from checklists.roles import AnswerType
from procurement.forms import AnswerForm, ReasonForm, ReturnForm, TransitionForm
from tests.module_data import module_data
from validation.criteria import METRIC_CHOICES
from validation.forms import CriterionForm, OverrideForm, SiteForm, UploadForm, WithdrawForm
from validation.kinds import Direction, JudgedOn, SiteKind

shipped_once = module_data(lambda: load_pathways(discover_files()))


CRISPY = Template("{% load crispy_forms_tags %}{{ form|crispy }}")

# A value the form refuses and one it takes, per answer type.
WRONG = {
    AnswerType.TEXT: "",
    AnswerType.YES_NO_NA: "na",  # not applicable needs a justification
    AnswerType.CHOICE: "no-such-choice",
    AnswerType.NUMBER: "many",
    AnswerType.DATE: "31-31-2026",
    AnswerType.LINK: "not a link",
    AnswerType.EVIDENCE: "",
}


def _right(item):
    return {
        AnswerType.TEXT: "Text\nover two lines & <b>markup</b>",
        AnswerType.YES_NO_NA: "yes",
        AnswerType.CHOICE: item.choice_options()[0][0] if item.choice_options() else "",
        AnswerType.NUMBER: "1.250,5",
        AnswerType.DATE: "2026-03-01",
        AnswerType.LINK: "https://example.org/a?b=1&c=2",
        AnswerType.EVIDENCE: "",
    }[item.answer_type]


def _forms(item, form_class):
    """Each state the page can show a form in."""
    prefix = f"item{item.pk}"
    yield "empty, required", form_class(item=item, required=True)
    yield "empty, optional", form_class(item=item, required=False)
    if item.answer_type != AnswerType.EVIDENCE:
        initial = {"value": _right(item), "justification": "Fordi"}
        yield "answered", form_class(item=item, initial=initial, required=True)
    data = {f"{prefix}-value": WRONG[item.answer_type]}
    wrong = form_class(data, {}, item=item, required=True)
    assert not wrong.is_valid()
    yield "refused", wrong
    files = {}
    if item.answer_type == AnswerType.EVIDENCE:
        files = {f"{prefix}-value": SimpleUploadedFile("a.pdf", b"%PDF-1.4", "application/pdf")}
    data = {f"{prefix}-value": _right(item), f"{prefix}-justification": "Fordi"}
    taken = form_class(data, files, item=item, required=True)
    assert taken.is_valid(), taken.errors
    yield "taken", taken
    stale = form_class(data, files, item=item, required=True)
    stale.is_valid()
    stale.add_error(None, "Someone else changed this project.")
    yield "refused by the service", stale


def _items():
    """One item of each answer type, with and without choices of its own."""
    chosen = {}
    for item in ChecklistItem.objects.order_by("pk"):
        chosen.setdefault(item.answer_type, item)
    return chosen


@pytest.mark.django_db
def test_answer_form_markup_is_crispy_bootstrap5s(shipped_once):
    items = _items()
    assert set(items) == set(AnswerType.values), "every answer type is compared"
    for kind, item in items.items():
        for (state, form), (_, theirs_form) in zip(
            _forms(item, AnswerForm), _forms(item, plain(AnswerForm)), strict=True
        ):
            ours = render_to_string("partials/bootstrap5_form.html", {"form": form})
            theirs = CRISPY.render(Context({"form": theirs_form}))
            assert parse_html(ours) == parse_html(theirs), f"{kind}, {state}:\n{ours}\n{theirs}"
            if form.errors:  # every error is shown
                for errors in form.errors.values():
                    for error in errors:
                        assert str(error) in ours or error.replace("'", "&#x27;") in ours


def plain(form_class):
    """The same form as crispy-forms sees it: Django's own bound fields, no classes added."""
    return type(
        f"Plain{form_class.__name__}", (form_class,), {"bound_field_class": forms.BoundField}
    )


METRIC = METRIC_CHOICES[0][0]


class _Project:
    """Stands in for a project in its third stage: what ReturnForm reads of it."""

    @staticmethod
    def earlier_stages():
        return [
            SimpleNamespace(key="need", name="Behov"),
            SimpleNamespace(key="legal", name="Jura"),
        ]


EARLIER = _Project()
VALIDATION_FORMS = [
    # (form, keyword arguments, data it refuses, data it takes)
    (
        SiteForm,
        {},
        {"name": "", "kind": "nope", "wave": "99"},
        {"name": "A", "kind": SiteKind.values[0], "wave": "1"},
    ),
    (
        CriterionForm,
        {"auto_id": "id_criterion7_%s", "initial": {"metric": METRIC, "every_group": True}},
        {
            "metric": "x",
            "direction": "x",
            "threshold": "high",
            "judged_on": "x",
            "every_group": "on",
        },
        {
            "metric": METRIC,
            "direction": Direction.values[0],
            "threshold": "0,85",
            "judged_on": JudgedOn.values[0],
        },
    ),
    (WithdrawForm, {"auto_id": "id_withdraw7_%s"}, None, {"reason": "Forkert"}),
    (UploadForm, {"project": None}, {"kind": "x", "threshold": "2"}, None),
    (
        OverrideForm,
        {},
        {"justification": "for kort"},
        {"justification": "Lang nok, over tyve tegn."},
    ),
    # The decision panel's forms (approve, return, retire, stop, reopen).
    (TransitionForm, {"auto_id": "id_approve_%s"}, None, {"comment": "Godkendt"}),
    (ReasonForm, {"auto_id": "id_stop_%s"}, {"comment": ""}, {"comment": "Stoppet"}),
    (
        ReturnForm,
        {"project": EARLIER},
        {"target": "x", "comment": ""},
        {"target": "need", "comment": "Tilbage"},
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("form_class, kwargs, wrong, right", VALIDATION_FORMS)
def test_validation_panel_form_markup_is_crispy_bootstrap5s(form_class, kwargs, wrong, right):
    states = [("empty", None, {})] + [
        (name, data, {}) for name, data in [("refused", wrong), ("taken", right)] if data
    ]
    if form_class is UploadForm:
        upload = SimpleUploadedFile("r.csv", b"a,b\n", "text/csv")
        states.append(("file given, refused", {"kind": "x"}, {"file": upload}))
    for state, data, files in states:
        ours, theirs = (
            form_class(data, files or None, **kwargs),
            plain(form_class)(data, files or None, **kwargs),
        )
        if data is not None:
            assert ours.is_valid() == (state == "taken") == theirs.is_valid(), (state, ours.errors)
        mine = render_to_string("partials/bootstrap5_form.html", {"form": ours})
        crispy = CRISPY.render(Context({"form": theirs}))
        assert parse_html(mine) == parse_html(crispy), (
            f"{form_class.__name__}, {state}:\n{mine}\n{crispy}"
        )
