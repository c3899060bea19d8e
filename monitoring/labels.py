"""Statuses and rules as people read them (in the active language)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from . import rules

STATUS_LABELS = {
    rules.OK: gettext_noop("OK"),
    rules.WATCH: gettext_noop("Watch"),
    rules.ALARM: gettext_noop("Alarm"),
}
STATUS_CLASSES = {rules.OK: "success", rules.WATCH: "warning", rules.ALARM: "danger"}

RULE_LABELS = {
    rules.SHEWHART: gettext_noop("sudden change (more than 3 standard errors)"),
    rules.SHEWHART_WARNING: gettext_noop("more than 2 standard errors from the baseline"),
    rules.CUSUM: gettext_noop("sustained shift (CUSUM above its limit)"),
    rules.CUSUM_WARNING: gettext_noop("CUSUM above half its limit"),
    rules.BELOW_MINIMUM: gettext_noop("the whole confidence interval is beyond the minimum"),
    rules.MINIMUM_WARNING: gettext_noop("the value is beyond the minimum"),
}


def status_label(status: str) -> str:
    return _(STATUS_LABELS[status])


def rule_label(rule: str) -> str:
    return _(RULE_LABELS[rule]) if rule in RULE_LABELS else rule
