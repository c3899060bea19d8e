"""The AI Act's high-risk dates as amended by Regulation (EU) 2026/1744 (the "Digital Omnibus on
AI", OJ L 24 July 2026, in force 27 July 2026): Annex III systems from 2 December 2027, Annex I
products (medical devices) from 2 August 2028. Art. 50 keeps 2 August 2026.

The original dates and the proposal rows are kept as history: each is ended on 26 July 2026, the
day before the amendment entered into force, and its note says what superseded it. A row an
administrator has already changed (another value, or already ended) is left alone, so this is
safe on any database.
"""

from datetime import date

from django.db import migrations

AMENDMENT = (
    "Regulation (EU) 2026/1744 amending Regulation (EU) 2024/1689 (Digital Omnibus on AI), "
    "Art. 1(40)(b), replacing Art. 113, third paragraph, point (c)"
)
AMENDMENT_URL = "https://eur-lex.europa.eu/eli/reg/2026/1744/oj"
IN_FORCE = date(2026, 7, 27)
LAST_DAY_BEFORE = date(2026, 7, 26)
AMENDED_NOTE = (
    "Law since 27 July 2026 (OJ L, 2026/1744, 24 July 2026). Dates checked against several "
    "consistent secondary sources citing the Official Journal; the point numbering of the "
    "amending article is secondary too [secondary]."
)
SUPERSEDED = (
    " Superseded from 27 July 2026 by Regulation (EU) 2026/1744, which moved the date; kept as "
    "history."
)
PROPOSAL_ADOPTED = (
    " Adopted as Regulation (EU) 2026/1744 (in force 27 July 2026): see the row from that date."
)

ORIGINAL = {
    "ai_act.high_risk_annex_iii_applies_from": date(2026, 8, 2),
    "ai_act.high_risk_annex_i_applies_from": date(2027, 8, 2),
}
AMENDED = {
    "ai_act.high_risk_annex_iii_applies_from": (
        date(2027, 12, 2),
        "Annex III high-risk systems, including the deployer duties of Arts 26 and 27 for them.",
    ),
    "ai_act.high_risk_annex_i_applies_from": (
        date(2028, 8, 2),
        "Art. 6(1) and Annex I products, i.e. medical devices that need a notified body.",
    ),
}
ART50_NOTE = (
    " Unchanged by Regulation (EU) 2026/1744; systems generating synthetic content placed on the "
    "market before 2 August 2026 have until 2 December 2026 for the marking of Art. 50(2) "
    "[secondary]."
)


def amend(apps, schema_editor):
    DatedValue = apps.get_model("decisions", "DatedValue")
    for key, original in ORIGINAL.items():
        value, note = AMENDED[key]
        current = DatedValue.objects.filter(
            key=key, is_proposal=False, value_date=original, valid_to__isnull=True
        )
        for row in current:
            row.valid_to = LAST_DAY_BEFORE
            row.note = (row.note + SUPERSEDED).strip()
            row.save(update_fields=["valid_to", "note", "updated_at"])
        proposals = DatedValue.objects.filter(
            key=key, is_proposal=True, value_date=value, valid_to__isnull=True
        )
        for row in proposals:
            row.valid_to = LAST_DAY_BEFORE
            row.note = (row.note + PROPOSAL_ADOPTED).strip()
            row.save(update_fields=["valid_to", "note", "updated_at"])
        if not DatedValue.objects.filter(key=key, is_proposal=False, valid_from=IN_FORCE).exists():
            DatedValue.objects.create(
                key=key,
                value_date=value,
                valid_from=IN_FORCE,
                source_title=AMENDMENT,
                source_url=AMENDMENT_URL,
                as_of=date(2026, 7, 24),
                note=f"{note} {AMENDED_NOTE}",
            )
    for row in DatedValue.objects.filter(
        key="ai_act.art50_applies_from", is_proposal=False, value_date=date(2026, 8, 2)
    ):
        if "2026/1744" not in row.note:
            row.note = (row.note + ART50_NOTE).strip()
            row.save(update_fields=["note", "updated_at"])


def restore(apps, schema_editor):
    DatedValue = apps.get_model("decisions", "DatedValue")
    DatedValue.objects.filter(source_url=AMENDMENT_URL, valid_from=IN_FORCE).delete()
    for row in DatedValue.objects.filter(valid_to=LAST_DAY_BEFORE, key__in=list(ORIGINAL)):
        row.valid_to = None
        row.note = row.note.replace(SUPERSEDED, "").replace(PROPOSAL_ADOPTED, "").strip()
        row.save(update_fields=["valid_to", "note", "updated_at"])
    for row in DatedValue.objects.filter(key="ai_act.art50_applies_from"):
        row.note = row.note.replace(ART50_NOTE, "").strip()
        row.save(update_fields=["note", "updated_at"])


class Migration(migrations.Migration):
    dependencies = [("decisions", "0002_seed_dated_values")]

    operations = [migrations.RunPython(amend, restore)]
