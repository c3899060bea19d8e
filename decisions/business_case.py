"""The business case: costs and benefits per year over a horizon, in three scenarios, with net
present value and payback. Pure and deterministic; amounts are `Decimal` kroner.

Every line has three estimates per year (low <= expected <= high). A scenario takes the whole
case's low, expected or high *outcome*: in the low scenario every benefit is at its low estimate
and every cost at its high estimate; in the high scenario the reverse. So the low scenario's NPV
is the worst the estimates allow and the high scenario's the best (the Danish state business
case model's three-point estimates, read as a range of outcomes).

NPV = sum over t = 0..N-1 of (benefits_t - costs_t) / (1 + r)^t; year 0 is the first year and is
not discounted. The payback year is the first t whose cumulative undiscounted net is >= 0.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from .reasoning import InvalidInput

# The stage tool's name in pathway files (`tools: [business_case]`).
BUSINESS_CASE_TOOL = "business_case"

ONE_OFF_COST = "one_off_cost"
RUNNING_COST = "running_cost"
BENEFIT = "benefit"
KINDS = (ONE_OFF_COST, RUNNING_COST, BENEFIT)
COST_KINDS = (ONE_OFF_COST, RUNNING_COST)
SCENARIOS = ("low", "expected", "high")
# Which estimate of a cost line each scenario uses (benefits use the scenario's own estimate).
COST_ESTIMATE = {"low": "high", "expected": "expected", "high": "low"}
DEFAULT_HORIZON = 5
MAX_HORIZON = 35  # the Finance Ministry's 3.5 % is given for years 0-35
MAX_LINES = 40
INPUT_KEYS = {"horizon_years", "discount_rate", "lines"}
LINE_KEYS = {"kind", "label", "owner", *SCENARIOS}
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Line:
    kind: str
    label: str
    owner: str
    low: tuple[Decimal, ...]
    expected: tuple[Decimal, ...]
    high: tuple[Decimal, ...]

    @property
    def is_cost(self) -> bool:
        return self.kind in COST_KINDS

    def estimate(self, name: str) -> tuple[Decimal, ...]:
        return getattr(self, name)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.label,
            "owner": self.owner,
            **{name: [_json_number(v) for v in self.estimate(name)] for name in SCENARIOS},
        }


@dataclass(frozen=True)
class BusinessCaseInput:
    horizon_years: int
    discount_rate: Decimal
    lines: tuple[Line, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "horizon_years": self.horizon_years,
            "discount_rate": _json_number(self.discount_rate),
            "lines": [line.as_dict() for line in self.lines],
        }

    def gaps(self) -> list[str]:
        """What keeps the case from being complete: at least one cost and one benefit."""
        gaps = []
        if not any(line.is_cost for line in self.lines):
            gaps.append(_("Add at least one cost (one-off or running)."))
        if not any(line.kind == BENEFIT for line in self.lines):
            gaps.append(_("Add at least one benefit with its owner."))
        return gaps


@dataclass(frozen=True)
class ScenarioResult:
    benefits: tuple[Decimal, ...]
    costs: tuple[Decimal, ...]
    net: tuple[Decimal, ...]
    cumulative: tuple[Decimal, ...]
    npv: Decimal
    payback_year: int | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "benefits": [_json_number(v) for v in self.benefits],
            "costs": [_json_number(v) for v in self.costs],
            "net": [_json_number(v) for v in self.net],
            "cumulative": [_json_number(v) for v in self.cumulative],
            "npv": _json_number(self.npv),
            "payback_year": self.payback_year,
        }


@dataclass(frozen=True)
class BusinessCaseResult:
    horizon_years: int
    discount_rate: Decimal
    scenarios: dict[str, ScenarioResult]

    @property
    def years(self) -> list[int]:
        return list(range(self.horizon_years))

    def as_dict(self) -> dict[str, Any]:
        return {
            "horizon_years": self.horizon_years,
            "discount_rate": _json_number(self.discount_rate),
            "scenarios": {name: result.as_dict() for name, result in self.scenarios.items()},
        }


def parse_business_case(
    raw: Mapping[str, Any], *, default_discount_rate: Decimal | None = None
) -> BusinessCaseInput:
    """Validate the input (the `business_case` command's JSON format); raise InvalidInput with
    every problem, each naming its field (e.g. ``lines[0].low[2]``)."""
    if not isinstance(raw, Mapping):
        raise InvalidInput([("input", _("must be a JSON object"))])
    errors: list[tuple[str, str]] = []
    for name in sorted(set(raw) - INPUT_KEYS):
        errors.append((name, _("unknown field")))

    horizon = raw.get("horizon_years", DEFAULT_HORIZON)
    if isinstance(horizon, bool) or not isinstance(horizon, int):
        errors.append(("horizon_years", _("must be a whole number of years")))
        horizon = None
    elif not 1 <= horizon <= MAX_HORIZON:
        errors.append(
            ("horizon_years", _("must be between 1 and %(max)d years") % {"max": MAX_HORIZON})
        )
        horizon = None

    rate = _discount_rate(raw, default_discount_rate, errors)

    lines_raw = raw.get("lines")
    lines: list[Line] = []
    if "lines" not in raw:
        errors.append(("lines", _("missing")))
    elif not isinstance(lines_raw, list):
        errors.append(("lines", _("must be a list of lines")))
    elif len(lines_raw) > MAX_LINES:
        errors.append(("lines", _("at most %(max)d lines") % {"max": MAX_LINES}))
    else:
        for index, line_raw in enumerate(lines_raw):
            line = _line(line_raw, f"lines[{index}]", horizon, errors)
            if line is not None:
                lines.append(line)
    if errors:
        raise InvalidInput(errors)
    return BusinessCaseInput(horizon_years=horizon, discount_rate=rate, lines=tuple(lines))


def _discount_rate(raw, default, errors) -> Decimal | None:
    if "discount_rate" not in raw or raw["discount_rate"] is None:
        if default is None:
            errors.append(
                ("discount_rate", _("missing, and the data has no default discount rate"))
            )
        return default
    rate = _decimal(raw["discount_rate"])
    if rate is None:
        errors.append(("discount_rate", _("must be a number, e.g. 0.035 for 3.5 %")))
    elif rate < 0:
        errors.append(("discount_rate", _("must not be negative")))
    elif rate >= 1:
        errors.append(("discount_rate", _("must be a fraction below 1, e.g. 0.035 for 3.5 %")))
    else:
        return rate
    return None


def _line(raw: Any, where: str, horizon: int | None, errors) -> Line | None:
    if not isinstance(raw, Mapping):
        errors.append((where, _("must be an object with kind, label, owner, low, expected, high")))
        return None
    before = len(errors)
    for name in sorted(set(raw) - LINE_KEYS):
        errors.append((f"{where}.{name}", _("unknown field")))
    kind = raw.get("kind")
    if "kind" not in raw:
        errors.append((f"{where}.kind", _("missing")))
    elif kind not in KINDS:
        errors.append(
            (
                f"{where}.kind",
                _("unknown value %(value)r; use one of %(allowed)s")
                % {"value": kind, "allowed": ", ".join(KINDS)},
            )
        )
    label = raw.get("label")
    if not isinstance(label, str) or not label.strip():
        errors.append((f"{where}.label", _("give the line a name")))
    owner = raw.get("owner", "")
    if not isinstance(owner, str):
        errors.append((f"{where}.owner", _("must be text")))
        owner = ""
    elif kind == BENEFIT and not owner.strip():
        errors.append((f"{where}.owner", _("a benefit needs an owner (who realises it)")))
    estimates: dict[str, tuple[Decimal, ...]] = {}
    for name in SCENARIOS:
        values = _amounts(raw.get(name), f"{where}.{name}", horizon, errors, present=name in raw)
        if values is not None:
            estimates[name] = values
    if len(estimates) == len(SCENARIOS):
        _check_order(estimates, where, errors)
    if len(errors) > before:
        return None
    return Line(kind=kind, label=label.strip(), owner=owner.strip(), **estimates)


def _amounts(raw, where, horizon, errors, *, present) -> tuple[Decimal, ...] | None:
    if not present:
        errors.append((where, _("missing")))
        return None
    if not isinstance(raw, list):
        errors.append((where, _("must be a list with one amount per year")))
        return None
    if horizon is not None and len(raw) != horizon:
        errors.append(
            (
                where,
                _("must have %(count)d amounts, one per year of the horizon (it has %(has)d)")
                % {"count": horizon, "has": len(raw)},
            )
        )
        return None
    values, ok = [], True
    for year, item in enumerate(raw):
        amount = _decimal(item)
        if amount is None:
            errors.append((f"{where}[{year}]", _("must be an amount in kroner")))
            ok = False
        elif amount < 0:
            errors.append(
                (f"{where}[{year}]", _("must not be negative (the kind says cost or benefit)"))
            )
            ok = False
        else:
            values.append(amount)
    return tuple(values) if ok else None


def _check_order(estimates, where, errors) -> None:
    if len({len(values) for values in estimates.values()}) != 1:
        errors.append((where, _("low, expected and high must have one amount per year each")))
        return
    for year, (low, expected, high) in enumerate(
        zip(estimates["low"], estimates["expected"], estimates["high"], strict=True)
    ):
        if low > expected:
            errors.append(
                (f"{where}.low[{year}]", _("the low estimate must not exceed the expected one"))
            )
        if expected > high:
            errors.append(
                (
                    f"{where}.high[{year}]",
                    _("the high estimate must not be below the expected one"),
                )
            )


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def calculate(case: BusinessCaseInput) -> BusinessCaseResult:
    """Yearly net, cumulative net, NPV and payback year for each scenario."""
    years = range(case.horizon_years)
    factor = Decimal(1) + case.discount_rate
    scenarios = {}
    for scenario in SCENARIOS:
        benefits = [Decimal(0)] * case.horizon_years
        costs = [Decimal(0)] * case.horizon_years
        for line in case.lines:
            if line.is_cost:
                for t, amount in enumerate(line.estimate(COST_ESTIMATE[scenario])):
                    costs[t] += amount
            else:
                for t, amount in enumerate(line.estimate(scenario)):
                    benefits[t] += amount
        net = [benefits[t] - costs[t] for t in years]
        cumulative, running = [], Decimal(0)
        for value in net:
            running += value
            cumulative.append(running)
        npv = sum((net[t] / factor**t for t in years), Decimal(0))
        payback = next((t for t in years if cumulative[t] >= 0), None)
        scenarios[scenario] = ScenarioResult(
            benefits=tuple(benefits),
            costs=tuple(costs),
            net=tuple(net),
            cumulative=tuple(cumulative),
            npv=npv.quantize(CENT, rounding=ROUND_HALF_UP),
            payback_year=payback,
        )
    return BusinessCaseResult(
        horizon_years=case.horizon_years, discount_rate=case.discount_rate, scenarios=scenarios
    )


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)
