"""How a question's words are read against the guideline's: compounds written apart or joined,
endings after an apostrophe, words of the other language, typos, derivations, other forms of a
synonym's term, and titles weighed as a field of their own. The questions here are none of the
evaluation sets' (a test must not tune the reading to them)."""

import pytest

from assistant.analysis import LIKELY, WEAK, analyse_question, load_synonyms, words
from assistant.answering import answer_question
from assistant.index import current_index

pytestmark = pytest.mark.django_db


def read(question: str, language: str = "da"):
    index = current_index()
    other = "en" if language == "da" else "da"
    return analyse_question(
        question,
        index.by_language[language].vocabulary,
        load_synonyms(),
        index.by_language[other].vocabulary,
    )


def test_an_ending_after_an_apostrophe_is_dropped():
    assert words("Har DPO'en set AI'ens output?") == ["har", "dpo", "set", "ai", "output"]
    assert words("the vendor's contract") == ["the", "vendor", "contract"]
    assert words("it's") == ["it"]


def test_a_compound_written_apart_is_read_as_the_guideline_writes_it(shipped):
    query = read("krav til data udveksling")
    assert "dataudveksling" in query.content_words
    assert "data" not in query.content_words and "udveksling" not in query.content_words
    # words that are no compound of the guideline's stay apart
    assert read("data om patienter").content_words == ("data", "patienter")


def test_the_index_holds_a_compounds_modifier_and_the_guideline_finds_it(shipped):
    # "højrisikoområder" in an item's title is also about "højrisiko"
    keys = [c.key for c in answer_question("højrisiko bilag III", limit=5).citations]
    assert "legal.annex_iii_area" in keys


def test_a_word_of_the_other_language_is_known_and_searched_there(shipped):
    query = read("hvordan laver vi en audit af logs")
    assert "audit" in query.known_words
    assert query.other_language == "en" and query.other_weights
    # a Danish word is not sent to the English index
    assert "logs" not in query.other_weights


def test_one_wrong_letter_is_repaired_but_not_the_first_one(shipped):
    # one wrong letter in a short word: below fuzz.ratio's cutoff, within one edit
    assert read("hvem har budgat").repaired == {"budgat": "budget"}
    assert read("kontrakr med leverandøren").repaired == {"kontrakr": "kontrakt"}
    # "parkerer" is one letter from "markerer", but the first letter is not a typo
    assert "parkerer" not in read("hvor parkerer jeg").known_words


def test_a_compound_whose_head_is_a_derivation_is_split(shipped):
    query = read("projektafklaringen")
    assert "projektafklaringen" in query.known_words
    assert query.readings["projektafklaringen"][0] == "projekt"


def test_another_form_of_a_synonyms_term_matches_the_term(shipped):
    # the group of "guldstandard" (referencestandard) is matched by its definite form
    query = read("hvem laver guldstandarden")
    assert "guldstandarden" in query.known_words
    assert any(term.startswith("referencestandard") for term in query.weights)


def test_a_question_of_the_guidelines_words_only_needs_no_concept(shipped):
    answer = answer_question("hvordan sikrer vi sensitivitet og specificitet", limit=10)
    assert not answer.declined
    # common words alone say nothing about the subject
    assert answer_question("hvem har data om løsningen").declined


def test_a_title_weighs_more_than_the_same_words_in_a_help_text(shipped):
    keys = [c.key for c in answer_question("hvem er klinisk projektleder", limit=3).citations]
    assert keys[0] == "need.clinical_lead"


def test_words_written_apart_join_into_any_form_of_the_guidelines_compound(shipped):
    # the guideline writes "valideringsprotokollen"; the person writes the parts, undeclined
    vocabulary = current_index().by_language["da"].vocabulary
    assert "valideringsprotokol" not in vocabulary.surface
    assert "valideringsprotokol" in read("hvem godkender validerings protokol").content_words


def test_a_derivation_is_read_as_its_word_but_a_compound_is_not_its_first_part(shipped):
    # "Sammenfat ..." is an item's title: "sammenfatningen" derives from it by "-ning"
    assert read("hvem skriver sammenfatningen").readings["sammenfatningen"] == ("sammenfat",)
    # a compound of an everyday word is no derivation of its first part
    assert read("personalemødet i går").readings.get("personalemødet") != ("personale",)


def test_a_compound_whose_head_only_other_compounds_have_is_split(shipped):
    # "fasen" is only ever the head of a compound ("afprøvningsfasen")
    query = read("valideringsfasen")
    modifier, head = query.readings["valideringsfasen"]
    assert modifier.startswith("validering") and head == "fasen"
    assert query.sureness["valideringsfasen"] == LIKELY
    # with an everyday word as the first part, such a compound may be about anything
    assert read("personalefasen").sureness.get("personalefasen", WEAK) == WEAK


def test_a_word_typed_with_danish_letters_is_not_repaired_to_one_without(shipped):
    # "leverandor" lacks the ø of "leverandør"; "møde" is no "mode"
    assert read("leverandor aftale").readings["leverandor"] == ("leverandør",)
    assert read("et møde om kantinen").readings.get("møde") != ("mode",)
