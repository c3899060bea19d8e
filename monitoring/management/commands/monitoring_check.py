"""python manage.py monitoring_check --plan plan.json --input periods.csv [--format json]

Runs the monitoring rules of a project's monitoring stage on a stream of periods outside any
project, for people who want to try a data feed first. Nothing is stored.

plan.json::

    {"kind": "classification", "period": "month",
     "baseline": {"sensitivity": 0.85, "specificity": 0.80, "oe_ratio": 1.0},
     "minimum": {"sensitivity": 0.75, "specificity": 0.70},
     "target_arl": 100}

`target_arl` (the in-control average run length, in periods) is optional. periods.csv (`,` or
`;`, or an .xlsx file): `period,n,tp,fp,tn,fn[,expected_positives]`, period as YYYY-MM or
YYYY-Www. Bad input exits with status 2, naming the row and column.
"""

import json
import math
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from monitoring import rules
from monitoring.parsing import CLASSIFICATION, parse_periods
from monitoring.periods import KINDS
from validation.parsing import ParseError

BAD_INPUT = 2
PLAN_KEYS = {"kind", "period", "baseline", "minimum", "target_arl"}
PROPORTIONS = ("sensitivity", "specificity", "ppv", "npv")
MAX_PLAN_BYTES = 64 * 1024
MAX_INPUT_BYTES = 20 * 1024 * 1024


def _bad(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


def read_plan(path: Path) -> dict:
    """The plan file, checked: a CommandError (exit 2) naming the key that is wrong."""
    try:
        text = path.read_bytes()[: MAX_PLAN_BYTES + 1]
    except OSError as exc:
        raise _bad(f"Cannot read {path}: {exc.strerror}") from exc
    if len(text) > MAX_PLAN_BYTES:
        raise _bad(f"{path}: the plan is larger than {MAX_PLAN_BYTES} bytes")
    try:
        plan = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise _bad(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(plan, dict):
        raise _bad(f"{path}: the plan must be a JSON object")
    unknown = set(plan) - PLAN_KEYS
    if unknown:
        raise _bad(f"{path}: unknown key(s) {', '.join(sorted(unknown))}")
    if plan.get("kind", CLASSIFICATION) != CLASSIFICATION:
        raise _bad(f'{path}: "kind" must be "classification"')
    if plan.get("period", "month") not in KINDS:
        raise _bad(f'{path}: "period" must be "month" or "week"')
    for section in ("baseline", "minimum"):
        values = plan.get(section, {})
        if not isinstance(values, dict):
            raise _bad(f'{path}: "{section}" must be an object')
        for name, value in values.items():
            if name not in (*PROPORTIONS, "oe_ratio"):
                known = ", ".join(rules.CLASSIFICATION_METRICS)
                raise _bad(f'{path}: "{section}.{name}" is not a metric ({known})')
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise _bad(f'{path}: "{section}.{name}" must be a number')
            if not math.isfinite(value):
                raise _bad(f'{path}: "{section}.{name}" must be a number')
            if name == "oe_ratio" and not 0 < value <= 10:
                raise _bad(f'{path}: "{section}.{name}" must be between 0 and 10')
            if name != "oe_ratio" and not 0 <= value <= 1:
                raise _bad(f'{path}: "{section}.{name}" must be between 0 and 1')
    target = plan.get("target_arl", rules.DEFAULT_TARGET_ARL)
    if isinstance(target, bool) or not isinstance(target, int | float) or not 10 <= target <= 500:
        raise _bad(f'{path}: "target_arl" must be a number of periods from 10 to 500')
    return {
        "period": plan.get("period", "month"),
        "baseline": plan.get("baseline", {}),
        "minimum": plan.get("minimum", {}),
        "target_arl": float(target),
    }


def check(plan: dict, data: bytes, filename: str) -> dict:
    """The command's result for a checked plan and a file's bytes (raises ParseError)."""
    periods = parse_periods(
        data, filename, CLASSIFICATION, period_kind=plan["period"], max_bytes=MAX_INPUT_BYTES
    )
    periods = sorted(periods, key=lambda row: row.period)
    has_expected = any(row.values.get("expected_positives") is not None for row in periods)
    counts = [
        rules.ConfusionCounts(
            row.period.label,
            row.values["tp"],
            row.values["fp"],
            row.values["tn"],
            row.values["fn"],
            row.values.get("expected_positives") if has_expected else None,
        )
        for row in periods
    ]
    results = rules.check_classification(
        counts,
        baseline=plan["baseline"],
        minimum=plan["minimum"],
        target_arl=plan["target_arl"],
    )
    return {
        "metrics": {
            name: {
                "first_alarm": rules.first_alarm(statuses),
                "periods": [status.as_dict() for status in statuses],
            }
            for name, statuses in results.items()
        }
    }


class Command(BaseCommand):
    help = "Run the monitoring rules on a file of periods and print the status of each metric."

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, type=Path, help="plan.json")
        parser.add_argument("--input", required=True, type=Path, help="a .csv or .xlsx file")
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, plan: Path, input: Path, format: str, **options):
        checked = read_plan(plan)
        try:
            with input.open("rb") as handle:
                data = handle.read(MAX_INPUT_BYTES + 1)
        except OSError as exc:
            raise _bad(f"Cannot read {input}: {exc.strerror}") from exc
        try:
            result = check(checked, data, input.name)
        except ParseError as exc:
            raise _bad(f"{input}: " + "\n".join(exc.messages)) from exc
        if format == "json":
            self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
            return
        for name, metric in result["metrics"].items():
            first = metric["first_alarm"] or "none"
            self.stdout.write(f"{name}: first alarm {first}")
            for period in metric["periods"]:
                value = "–" if period["value"] is None else f"{period['value']:.3f}"
                interval = (
                    ""
                    if period["lower"] is None
                    else f" ({period['lower']:.3f}–{period['upper']:.3f})"
                )
                fired = f" [{', '.join(period['rules'])}]" if period["rules"] else ""
                self.stdout.write(
                    f"  {period['period']}  {value}{interval}  {period['status']}{fired}"
                )
