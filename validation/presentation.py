"""Numbers, verdicts and audit events as people read them, in the active language (Danish
decimal commas)."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .criteria import MET, METRICS, NOT_EVALUABLE, NOT_MET, CriterionSpec, describe
from .kinds import Phase, SiteKind, UploadKind
from .metrics.intervals import Estimate

DASH = "–"

STATUS_LABELS = {
    MET: gettext_lazy("met"),
    NOT_MET: gettext_lazy("not met"),
    NOT_EVALUABLE: gettext_lazy("cannot be judged yet"),
    "incomplete": gettext_lazy("incomplete"),
}
STATUS_CLASSES = {
    MET: "success",
    NOT_MET: "danger",
    NOT_EVALUABLE: "secondary",
    "incomplete": "secondary",
}


def format_number(value, digits: int = 2) -> str:
    if value is None:
        return DASH
    rounded = round(float(value), digits) + 0.0  # + 0.0 turns -0.0 into 0.0
    text = number_format(Decimal(str(rounded)), decimal_pos=digits, use_l10n=True)
    # A real minus sign: a hyphen next to the en dash of an interval reads badly.
    return "−" + text[1:] if text.startswith("-") else text


def format_estimate(estimate: Estimate, digits: int = 2) -> str:
    """ "0,873 (0,842–0,901)" """
    if estimate is None or estimate.estimate is None:
        return DASH
    text = format_number(estimate.estimate, digits)
    if estimate.ci_low is not None and estimate.ci_high is not None:
        text += (
            f" ({format_number(estimate.ci_low, digits)}{DASH}"
            f"{format_number(estimate.ci_high, digits)})"
        )
    return text


def format_metric(metric: str, data: dict | None, digits: int | None = None) -> str:
    definition = METRICS.get(metric)
    places = digits if digits is not None else (definition.digits if definition else 2)
    return format_estimate(Estimate.from_dict(data), places)


def spec_from_data(data: dict) -> CriterionSpec:
    return CriterionSpec(
        id=0,
        metric=data["metric"],
        direction=data["direction"],
        threshold=Decimal(data["threshold"]),
        judged_on=data["judged_on"],
        every_group=data["every_group"],
    )


def describe_event(event) -> str:
    """One audit event as a sentence."""
    data = event.data
    action = event.action
    if action == "site_added":
        return _("Site added: %(site)s (wave %(wave)s, %(kind)s).") % {
            "site": data["site"],
            "wave": data["wave"],
            "kind": SiteKind(data["kind"]).label,
        }
    if action == "criterion_added":
        text = _("Criterion added: %(criterion)s.") % {
            "criterion": describe(spec_from_data(data["after"]))
        }
    elif action == "criterion_changed":
        text = _("Criterion changed from “%(before)s” to “%(after)s”.") % {
            "before": describe(spec_from_data(data["before"])),
            "after": describe(spec_from_data(data["after"])),
        }
    elif action == "criterion_withdrawn":
        text = _("Criterion withdrawn: %(criterion)s.") % {
            "criterion": describe(spec_from_data(data["before"]))
        }
    elif action == "criteria_locked":
        return _("The criteria were locked: the first results were uploaded.")
    elif action == "results_uploaded":
        text = _(
            "Results uploaded for %(site)s: %(kind)s, %(file)s, %(rows)s rows, SHA-256 %(sha)s."
        ) % {
            "site": data["site"],
            "kind": UploadKind(data["kind"]).label,
            "file": data["file"],
            "rows": data["rows"],
            "sha": data["sha256"][:12] + "…",
        }
        if data.get("demo"):
            text += " " + _("(generated demonstration data)")
        return text
    elif action == "verdict":
        return _("Verdict: %(overall)s.") % {"overall": STATUS_LABELS[data["overall"]]} + (
            " "
            + _("Not met: %(count)d of %(total)d criteria.")
            % {
                "count": sum(1 for c in data["criteria"] if c["status"] != MET),
                "total": len(data["criteria"]),
            }
            if data["overall"] == NOT_MET
            else ""
        )
    elif action == "override_recorded":
        return _("Override recorded: %(justification)s") % {"justification": data["justification"]}
    elif action == "override_signed_off":
        return _("Override signed off by the AI competence unit.")
    else:
        return action
    if data.get("after_lock"):
        text += " " + _("Changed after the first results were known. Reason: %(reason)s") % {
            "reason": data.get("reason", "")
        }
    elif data.get("reason"):
        text += " " + _("Reason: %(reason)s") % {"reason": data["reason"]}
    return text


def phase_label(phase: str) -> str:
    return str(Phase(phase).label)
