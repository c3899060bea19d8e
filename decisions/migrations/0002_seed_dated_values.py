"""The dated figures known when the decision helpers were written, from
shared/product/DOMAIN.md (with its certainty marks in the notes). Administrators maintain them
in the admin from here on; a period the data does not cover is reported as unknown, not guessed."""

from datetime import date
from decimal import Decimal

from django.db import migrations

AI_ACT = "Regulation (EU) 2024/1689 (AI Act), Art. 113"
AI_ACT_URL = "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"
OMNIBUS = (
    "Digital Omnibus on AI: Commission proposal of 19 November 2025 amending Regulation (EU) "
    "2024/1689, procedure 2025/0359(COD)"
)
OMNIBUS_URL = "https://oeil.europarl.europa.eu/oeil/en/procedure-file?reference=2025/0359(COD)"
OMNIBUS_NOTE = (
    "Proposal, not law: a provisional agreement was reported in May 2026; publication in the "
    "Official Journal is unconfirmed (secondary source)."
)
KFST = "Konkurrence- og Forbrugerstyrelsen: Tærskelværdier 2024 og 2025"
KFST_URL = (
    "https://www.kfst.dk/udbud/udbudsregler/taerskelvaerdier-2022-og-2023/"
    "taerskelvaerdier-2024-og-2025/"
)
KFST_NOTE = (
    "Regions and municipalities, for tenders published from 1 January 2024. The 2026-27 values "
    "were not found when this was written: add them with their period when kfst.dk publishes them."
)

FACTS = [
    {
        "key": "ai_act.art4_art5_apply_from",
        "value_date": date(2025, 2, 2),
        "source_title": AI_ACT,
        "source_url": AI_ACT_URL,
        "note": "Chapters I and II: Art. 4 (AI literacy) and Art. 5 (prohibited practices).",
    },
    {
        "key": "ai_act.art50_applies_from",
        "value_date": date(2026, 8, 2),
        "source_title": AI_ACT,
        "source_url": AI_ACT_URL,
        "note": "General date of application, including Arts 26, 27 and 50.",
    },
    {
        "key": "ai_act.high_risk_annex_iii_applies_from",
        "value_date": date(2026, 8, 2),
        "source_title": AI_ACT,
        "source_url": AI_ACT_URL,
        "note": "General date of application, including Annex III and Arts 26 and 27.",
    },
    {
        "key": "ai_act.high_risk_annex_i_applies_from",
        "value_date": date(2027, 8, 2),
        "source_title": AI_ACT,
        "source_url": AI_ACT_URL,
        "note": "Art. 6(1) and the corresponding obligations, i.e. medical devices (Annex I).",
    },
    {
        "key": "ai_act.high_risk_annex_iii_applies_from",
        "value_date": date(2027, 12, 2),
        "is_proposal": True,
        "source_title": OMNIBUS,
        "source_url": OMNIBUS_URL,
        "as_of": date(2025, 11, 19),
        "note": OMNIBUS_NOTE,
    },
    {
        "key": "ai_act.high_risk_annex_i_applies_from",
        "value_date": date(2028, 8, 2),
        "is_proposal": True,
        "source_title": OMNIBUS,
        "source_url": OMNIBUS_URL,
        "as_of": date(2025, 11, 19),
        "note": OMNIBUS_NOTE,
    },
    {
        "key": "procurement.eu_threshold_regional_supplies_services_dkk",
        "value_decimal": Decimal("1644638"),
        "valid_from": date(2024, 1, 1),
        "valid_to": date(2025, 12, 31),
        "source_title": KFST,
        "source_url": KFST_URL,
        "note": "EUR 221,000. " + KFST_NOTE,
    },
    {
        "key": "procurement.eu_threshold_regional_light_regime_dkk",
        "value_decimal": Decimal("5581350"),
        "valid_from": date(2024, 1, 1),
        "valid_to": date(2025, 12, 31),
        "source_title": KFST,
        "source_url": KFST_URL,
        "note": "Light regime (social and other specific services). " + KFST_NOTE,
    },
    {
        "key": "business_case.discount_rate",
        "value_decimal": Decimal("0.035"),
        "valid_from": date(2021, 1, 7),
        "source_title": (
            "Finansministeriet: Dokumentationsnotat – den samfundsøkonomiske diskonteringsrente "
            "(7 January 2021), as used in Digitaliseringsstyrelsen's business case model v3"
        ),
        "as_of": date(2021, 1, 7),
        "note": "3.5 % for years 0-35 (lowered from 4 %).",
    },
]


def seed(apps, schema_editor):
    DatedValue = apps.get_model("decisions", "DatedValue")
    for fact in FACTS:
        DatedValue.objects.create(**fact)


def unseed(apps, schema_editor):
    DatedValue = apps.get_model("decisions", "DatedValue")
    for fact in FACTS:
        DatedValue.objects.filter(
            key=fact["key"], is_proposal=fact.get("is_proposal", False), source_title=fact["source_title"]
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("decisions", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
