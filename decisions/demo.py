"""Demo business cases for the seed's cases, saved through the same service as the editor when a
demo project reaches the business case stage (so the demo passes the stage's gate).

The figures are illustrative assumptions, like the rest of the demo data. The Ambient Scribe's
time saved is a range taken from DOMAIN.md: low = the randomised trial's 9.5 % shorter
documentation time (UCLA, NEJM AI 2025; it already reflects use in only 29-34 % of visits),
high = 20 %, the bottom of the deck's optimistic "20-51 %", expected = the midpoint.
"""

from decimal import ROUND_HALF_UP, Decimal

from procurement.models import Project

from .business_case import BENEFIT, ONE_OFF_COST, RUNNING_COST, parse_business_case
from .dated_data import DatedKey, copenhagen_today
from .formatting import format_amount
from .selectors import business_case_of, load_dated_data
from .services import save_business_case

HORIZON = 5


def _flat(low, expected, high, *, first_year_share=Decimal(1)) -> dict[str, list[Decimal]]:
    """The same yearly amount for every year, year 0 scaled by `first_year_share`."""

    def years(amount) -> list[Decimal]:
        amount = Decimal(amount)
        first = (amount * first_year_share).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return [first] + [amount] * (HORIZON - 1)

    return {"low": years(low), "expected": years(expected), "high": years(high)}


def _once(low, expected, high) -> dict[str, list[Decimal]]:
    """A one-off amount in year 0."""
    zeros = [Decimal(0)] * (HORIZON - 1)
    return {
        "low": [Decimal(low), *zeros],
        "expected": [Decimal(expected), *zeros],
        "high": [Decimal(high), *zeros],
    }


def _line(kind: str, label: str, owner: str, amounts: dict) -> dict:
    return {"kind": kind, "label": label, "owner": owner, **amounts}


def _share(base: Decimal, *fractions: str) -> list[Decimal]:
    return [(base * Decimal(f)).quantize(Decimal(1), rounding=ROUND_HALF_UP) for f in fractions]


def ambient_scribe_lines() -> list[dict]:
    clinicians, hours_per_day, days, hourly_cost = 250, Decimal("1.5"), 210, Decimal(450)
    hours = clinicians * hours_per_day * days  # 78,750 hours of documentation a year
    low, expected, high = _share(hours * hourly_cost, "0.095", "0.1475", "0.20")
    return [
        _line(
            ONE_OFF_COST,
            "Implementering, integration og oplæring på otte teststeder",
            "Projektgruppen",
            _once(1_300_000, 1_450_000, 1_750_000),
        ),
        _line(
            RUNNING_COST,
            "Licenser, drift og support",
            "Regionens IT",
            _flat(1_900_000, 2_100_000, 2_400_000),
        ),
        _line(
            RUNNING_COST,
            "Superbrugere og løbende oplæring",
            "Afdelingsledelserne på teststederne",
            _flat(150_000, 200_000, 300_000),
        ),
        _line(
            BENEFIT,
            f"Sparet dokumentationstid: {format_amount(hours)} timer om året × "
            f"{format_amount(hourly_cost)} kr. × 9,5 % (RCT) / 14,75 % / 20 % (lav ende af "
            "de rapporterede 20–51 %); halv effekt i år 0 (trinvis udrulning)",
            "Afdelingsledelserne på teststederne",
            _flat(low, expected, high, first_year_share=Decimal("0.5")),
        ),
    ]


def peace_lines() -> list[dict]:
    low, expected, high = _share(Decimal(600 * 3000), "0", "0.10", "0.25")
    return [
        _line(
            ONE_OFF_COST,
            "Arbejdsstation, installation ved kolposkopet og oplæring",
            "Gynækologisk-obstetrisk afdeling",
            _once(600_000, 650_000, 750_000),
        ),
        _line(
            RUNNING_COST,
            "Licens og support",
            "Gynækologisk-obstetrisk afdeling",
            _flat(250_000, 280_000, 320_000),
        ),
        _line(
            BENEFIT,
            "Færre gentagne kolposkopier: 600 om året × 3.000 kr. × 0 % / 10 % / 25 %; "
            "halv effekt i år 0 (afprøvning)",
            "Afdelingsledelsen, Gynækologisk-obstetrisk afdeling",
            _flat(low, expected, high, first_year_share=Decimal("0.5")),
        ),
    ]


def telekol_lines() -> list[dict]:
    low, expected, high = _share(Decimal(300 * 40_000), "0", "0.10", "0.20")
    return [
        _line(
            ONE_OFF_COST,
            "Integration til den telemedicinske platform og oplæring",
            "Regionens IT",
            _once(1_000_000, 1_200_000, 1_500_000),
        ),
        _line(
            RUNNING_COST,
            "Licens, drift og support",
            "Lungemedicinsk afdeling",
            _flat(600_000, 650_000, 750_000),
        ),
        _line(
            BENEFIT,
            "Færre akutte KOL-indlæggelser: 300 om året × 40.000 kr. × 0 % / 10 % / 20 %; "
            "ingen effekt i år 0 (baggrundskørsel)",
            "Lungemedicinsk afdeling",
            _flat(low, expected, high, first_year_share=Decimal(0)),
        ),
    ]


def ipm_lines() -> list[dict]:
    hours = Decimal(24 * 365) / 2  # half an hour of night rounds per bed per night
    low, expected, high = _share(hours * 400, "0.05", "0.10", "0.20")
    return [
        _line(
            ONE_OFF_COST,
            "Sensorer på 24 stuer, installation og oplæring",
            "Geriatrisk sengeafsnit",
            _once(450_000, 500_000, 600_000),
        ),
        _line(
            RUNNING_COST,
            "Licens og service",
            "Geriatrisk sengeafsnit",
            _flat(90_000, 110_000, 140_000),
        ),
        _line(
            BENEFIT,
            "Færre natlige tilsyn: 24 senge × 365 nætter × ½ time × 400 kr. × 5 % / 10 % / 20 %; "
            "halv effekt i år 0",
            "Afdelingsledelsen, Geriatrisk sengeafsnit",
            _flat(low, expected, high, first_year_share=Decimal("0.5")),
        ),
    ]


DEMO_CASES = {
    "ambient-scribe": ambient_scribe_lines,
    "peace": peace_lines,
    "telekol": telekol_lines,
    "ipm": ipm_lines,
}


def demo_business_case(slug: str):
    """The validated demo case for a seed case, with the discount rate from the dated data."""
    rate = load_dated_data().find(DatedKey.DISCOUNT_RATE, copenhagen_today())
    raw = {"horizon_years": HORIZON, "lines": DEMO_CASES[slug]()}
    return parse_business_case(raw, default_discount_rate=rate.value if rate else None)


def add_demo_business_case(project: Project, case: dict, stage_key: str) -> None:
    """The demo data hook: a business case before the business case stage is approved."""
    if stage_key != "business_case" or case.get("slug") not in DEMO_CASES:
        return
    if business_case_of(project) is not None:
        return
    save_business_case(project=project, by=project.owner, case=demo_business_case(case["slug"]))
