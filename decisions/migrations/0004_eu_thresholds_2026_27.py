"""The EU procurement threshold for regions and municipalities for 2026-27 (supplies and
services), as a new dated row beside the 2024-25 one, which stays as it is. The light-regime
value for 2026-27 was not found, so none is added: the helper reports it as unknown."""

from datetime import date
from decimal import Decimal

from django.db import migrations

KEY = "procurement.eu_threshold_regional_supplies_services_dkk"
SOURCE = (
    "Commission Delegated Regulation (EU) 2025/2152 of 22 October 2025 amending Directive "
    "2014/24/EU as regards the thresholds for public supply, service and works contracts"
)
SOURCE_URL = "https://eur-lex.europa.eu/eli/reg_del/2025/2152/oj"
NOTE = (
    "Regions, municipalities and bodies governed by public law, for contracts published from "
    "1 January 2026 (DKK figures from a Danish law firm's summary of the Commission's figures: "
    "confirm on kfst.dk). Central government DKK 1,044,400; works DKK 40,313,840. A contract "
    "published on or before 31 December 2025 keeps the 2024-25 threshold."
)


def seed(apps, schema_editor):
    DatedValue = apps.get_model("decisions", "DatedValue")
    DatedValue.objects.get_or_create(
        key=KEY,
        valid_from=date(2026, 1, 1),
        is_proposal=False,
        defaults={
            "value_decimal": Decimal("1611360"),
            "valid_to": date(2027, 12, 31),
            "source_title": SOURCE,
            "source_url": SOURCE_URL,
            "as_of": date(2025, 10, 22),
            "note": NOTE,
        },
    )


def unseed(apps, schema_editor):
    DatedValue = apps.get_model("decisions", "DatedValue")
    DatedValue.objects.filter(key=KEY, valid_from=date(2026, 1, 1), source_title=SOURCE).delete()


class Migration(migrations.Migration):
    dependencies = [("decisions", "0003_ai_act_dates_as_amended")]

    operations = [migrations.RunPython(seed, unseed)]
