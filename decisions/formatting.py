"""Amounts, rates and dates as Danish readers expect them ("1.644.638 kr.", "3,5 %",
"2. august 2027"), whatever the interface language: the brief asks for Danish number format."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

MONTHS_DA = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)  # fmt: skip
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def format_amount(value: Decimal | int | float, decimals: int = 0) -> str:
    """1644638 -> "1.644.638"; -1234.5 with decimals=1 -> "-1.234,5"."""
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = ".".join(groups) or "0"
    if sign and text == "0" and not fraction.strip("0"):
        sign = ""
    return f"{sign}{text}" + (f",{fraction}" if decimals else "")


def format_dkk(value: Decimal | int | float) -> str:
    """An amount in whole kroner: "1.644.638 kr."."""
    return f"{format_amount(value)} kr."


def format_percent(rate: Decimal | float) -> str:
    """A rate given as a fraction: 0.035 -> "3,5 %"."""
    percent = (Decimal(str(rate)) * 100).normalize()
    places = max(0, -percent.as_tuple().exponent)
    return f"{format_amount(percent, places)} %"


def format_date_da(day: date) -> str:
    return f"{day.day}. {MONTHS_DA[day.month - 1]} {day.year}"


def format_date_en(day: date) -> str:
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
