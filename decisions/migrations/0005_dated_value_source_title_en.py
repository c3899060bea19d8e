"""The sources of the dated figures in Danish, with the English title beside them: the Danish
interface showed "Commission proposal of 19 November 2025" and "as used in ... business case
model v3". The seeded titles (migrations 0002-0004) get their Danish form; a title an
administrator has changed is left alone, and its English field stays empty (so it is shown in
both languages, as before)."""

from django.db import migrations, models

TITLES = {
    # English title as seeded: Danish title.
    "Regulation (EU) 2024/1689 (AI Act), Art. 113": (
        "Forordning (EU) 2024/1689 (AI-forordningen), art. 113"
    ),
    "Digital Omnibus on AI: Commission proposal of 19 November 2025 amending Regulation (EU) "
    "2024/1689, procedure 2025/0359(COD)": (
        "Digital omnibus om AI: Kommissionens forslag af 19. november 2025 om ændring af "
        "forordning (EU) 2024/1689, procedure 2025/0359(COD)"
    ),
    "Finansministeriet: Dokumentationsnotat – den samfundsøkonomiske diskonteringsrente "
    "(7 January 2021), as used in Digitaliseringsstyrelsen's business case model v3": (
        "Finansministeriet: Dokumentationsnotat – den samfundsøkonomiske diskonteringsrente "
        "(7. januar 2021), som den bruges i Digitaliseringsstyrelsens business case-model, "
        "version 3"
    ),
    "Regulation (EU) 2026/1744 amending Regulation (EU) 2024/1689 (Digital Omnibus on AI), "
    "Art. 1(40)(b), replacing Art. 113, third paragraph, point (c)": (
        "Forordning (EU) 2026/1744 om ændring af forordning (EU) 2024/1689 (digital omnibus om "
        "AI), art. 1, nr. 40, litra b, som erstatter art. 113, tredje afsnit, litra c"
    ),
    "Commission Delegated Regulation (EU) 2025/2152 of 22 October 2025 amending Directive "
    "2014/24/EU as regards the thresholds for public supply, service and works contracts": (
        "Kommissionens delegerede forordning (EU) 2025/2152 af 22. oktober 2025 om ændring af "
        "direktiv 2014/24/EU for så vidt angår tærskelværdierne for offentlige vareindkøbs-, "
        "tjenesteydelses- og bygge- og anlægskontrakter"
    ),
}
# Already Danish when seeded: the English title is added beside it.
ENGLISH = {
    "Konkurrence- og Forbrugerstyrelsen: Tærskelværdier 2024 og 2025": (
        "Danish Competition and Consumer Authority: thresholds 2024 and 2025"
    ),
}


def to_danish(apps, schema_editor):
    DatedValue = apps.get_model("decisions", "DatedValue")
    for english, danish in TITLES.items():
        DatedValue.objects.filter(source_title=english).update(
            source_title=danish, source_title_en=english
        )
    for danish, english in ENGLISH.items():
        DatedValue.objects.filter(source_title=danish, source_title_en="").update(
            source_title_en=english
        )


def to_english(apps, schema_editor):
    DatedValue = apps.get_model("decisions", "DatedValue")
    for english, danish in TITLES.items():
        DatedValue.objects.filter(source_title=danish, source_title_en=english).update(
            source_title=english
        )


class Migration(migrations.Migration):
    dependencies = [("decisions", "0004_eu_thresholds_2026_27")]

    operations = [
        migrations.AddField(
            model_name="datedvalue",
            name="source_title_en",
            field=models.CharField(
                blank=True,
                help_text="The source's title in English; empty: the title above is shown in English too.",
                max_length=300,
                verbose_name="source in English",
            ),
        ),
        migrations.RunPython(to_danish, to_english),
    ]
