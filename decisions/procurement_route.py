"""Is an EU procedure required? The estimated contract value against the EU threshold for a
regional authority's supplies and services valid on a date, from dated data. A date the data has
no threshold for gets nulls and a plain statement, never a guess."""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from .dated_data import DatedData, DatedKey
from .formatting import format_date_da, format_date_en, format_dkk
from .reasoning import InvalidInput

THRESHOLD_KEY = DatedKey.EU_THRESHOLD_SUPPLIES_SERVICES


def parse_contract_value(value: Any, field: str = "value") -> Decimal:
    """A contract value in DKK: a finite number, not negative."""
    if isinstance(value, bool):
        raise InvalidInput([(field, _("must be an amount in DKK"))])
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput([(field, _("must be an amount in DKK"))]) from None
    if not number.is_finite():
        raise InvalidInput([(field, _("must be an amount in DKK"))])
    if number < 0:
        raise InvalidInput([(field, _("must not be negative"))])
    return number


def procurement_route(*, value_dkk: Any, on: date, data: DatedData) -> dict[str, Any]:
    """The route as JSON-able data (see the issue for the fields). The EU rule is "equal to or
    greater than" the threshold."""
    value = parse_contract_value(value_dkk)
    if not isinstance(on, date):
        raise InvalidInput([("date", _("must be a date (YYYY-MM-DD)"))])
    threshold = data.find(THRESHOLD_KEY, on)
    base = {"value_dkk": _number(value), "date": on.isoformat()}
    if threshold is None:
        return {
            **base,
            "eu_procedure_required": None,
            "threshold_dkk": None,
            "valid_from": None,
            "valid_to": None,
            "source": None,
            "note_da": (
                f"Produktets data har ingen EU-tærskelværdi for regioners køb af varer og "
                f"tjenesteydelser den {format_date_da(on)}, så vi kan ikke sige, om der kræves "
                "et EU-udbud. Find den gældende tærskelværdi hos Konkurrence- og "
                "Forbrugerstyrelsen (kfst.dk), og bed en administrator om at tilføje den."
            ),
            "note_en": (
                f"The product's data has no EU threshold for a region's supplies and services "
                f"on {format_date_en(on)}, so it cannot say whether an EU procedure is required. "
                "Look up the current threshold at the Danish Competition and Consumer Authority "
                "(kfst.dk) and ask an administrator to add it."
            ),
        }
    limit = Decimal(threshold.value)
    required = value >= limit
    amount, limit_text = format_dkk(value), format_dkk(limit)
    if required:
        note_da = (
            f"Den anslåede værdi ({amount}) er lig med eller over EU-tærskelværdien "
            f"({limit_text}): kontrakten skal i EU-udbud efter udbudsloven, med en "
            "udbudsbekendtgørelse i EU-Tidende. Planlæg tid til udbuddet i udbudsfasen, og "
            "brug markedsdialogen til at skrive kravene, så alle leverandører kan byde."
        )
        note_en = (
            f"The estimated value ({amount}) is equal to or above the EU threshold "
            f"({limit_text}): the contract must be tendered under the EU procurement rules, "
            "with a contract notice in the EU's Official Journal. Plan time for the tender in "
            "the tender stage, and write the requirements so that every vendor can bid."
        )
    else:
        note_da = (
            f"Den anslåede værdi ({amount}) er under EU-tærskelværdien ({limit_text}): der "
            "kræves ikke et EU-udbud. Regionens egne indkøbsregler gælder stadig; spørg "
            "indkøbskonsulenten. Værdien skal dække hele kontraktperioden med optioner, og "
            "kontrakten må ikke deles op for at komme under tærskelværdien."
        )
        note_en = (
            f"The estimated value ({amount}) is below the EU threshold ({limit_text}): no EU "
            "procedure is required. The region's own procurement rules still apply; ask the "
            "procurement consultant. The value must cover the whole contract period including "
            "options, and the contract must not be split to stay below the threshold."
        )
    return {
        **base,
        "eu_procedure_required": required,
        "threshold_dkk": _number(limit),
        "valid_from": threshold.valid_from.isoformat() if threshold.valid_from else None,
        "valid_to": threshold.valid_to.isoformat() if threshold.valid_to else None,
        "source": threshold.source_url or None,
        "source_title": threshold.source_title,
        "source_title_en": threshold.source_title_en,
        "note_da": note_da,
        "note_en": note_en,
    }


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)
