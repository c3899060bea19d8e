"""The sources of the dated figures in the reader's language: Danish titles (migration 0005) with
the English title beside them, in the classification's explanation and on the panels."""

from datetime import date

from django.utils import translation

from decisions.classification import classify
from decisions.dated_data import DatedData, DatedFact, DatedKey, source_title_in_language
from decisions.models import DatedValue

from .test_classification import device

DANISH = "Forordning (EU) 2024/1689 (AI-forordningen), art. 113"
ENGLISH = "Regulation (EU) 2024/1689 (AI Act), Art. 113"


def test_the_seeded_sources_are_danish_with_the_english_title_beside(db):
    rate = DatedValue.objects.get(key=DatedKey.DISCOUNT_RATE)
    assert "(7. januar 2021), som den bruges i Digitaliseringsstyrelsens" in rate.source_title
    assert "business case-model, version 3" in rate.source_title
    assert "(7 January 2021), as used in" in rate.source_title_en
    proposals = DatedValue.objects.filter(is_proposal=True)
    assert proposals and all(
        p.source_title.startswith("Digital omnibus om AI: Kommissionens forslag af 19. november")
        and "Commission proposal of 19 November 2025" in p.source_title_en
        for p in proposals
    )
    for value in DatedValue.objects.all():
        assert value.source_title_en, value.source_title  # every seeded row has both
        assert "Regulation (EU)" not in value.source_title
        assert "Commission" not in value.source_title


def test_the_title_follows_the_language_and_falls_back_to_danish():
    fact = {"source_title": DANISH, "source_title_en": ENGLISH}
    with translation.override("da"):
        assert source_title_in_language(fact) == DANISH
    with translation.override("en"):
        assert source_title_in_language(fact) == ENGLISH
        # A result stored before the English title existed, and a row without one.
        assert source_title_in_language({"source_title": DANISH}) == DANISH
        assert source_title_in_language({"source_title": DANISH, "source_title_en": ""}) == DANISH


def test_the_explanation_names_the_source_in_each_language():
    data = DatedData(
        (
            DatedFact(
                DatedKey.AI_ACT_ANNEX_I_FROM,
                date(2028, 8, 2),
                valid_from=date(2026, 7, 27),
                source_title=DANISH,
                source_title_en=ENGLISH,
            ),
        )
    )
    result = classify(device("diagnosis_or_therapy_decisions"), data=data, on=date(2026, 12, 1))
    (step,) = [s for s in result["explanation"] if s["article"] == "AI Act Art. 113"]
    assert f"Kilde: {DANISH}." in step["text_da"] and ENGLISH not in step["text_da"]
    assert f"Source: {ENGLISH}." in step["text_en"] and DANISH not in step["text_en"]
    (used,) = result["dated_facts_used"]
    assert (used["source_title"], used["source_title_en"]) == (DANISH, ENGLISH)
