"""The topic check: a question must name a concept of the guideline, not be outweighed by words
it does not know, and not be a kind of request the guideline never answers. The questions here
are none of the evaluation sets' (a test must not tune the check to them)."""

import pytest

from assistant.analysis import analyse_question, everyday_word, function_like, load_synonyms
from assistant.answering import answer_question
from assistant.index import current_index
from assistant.topic import out_of_scope_intent, topic

pytestmark = pytest.mark.django_db


def read(question: str, language: str = "da"):
    vocabulary = current_index().by_language[language].vocabulary
    query = analyse_question(question, vocabulary, load_synonyms())
    return topic(question, query, vocabulary, load_synonyms())


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("Hvordan har patienten i seng 12 det?", "patient_specific"),
        ("Hvad viser blodprøven for 120356-1234?", "patient_specific"),
        ("Hvad fejler fru Nielsen?", "patient_specific"),
        ("Er patientens feber faldet?", "patient_specific"),
        ("Has this patient's fever gone down?", "patient_specific"),
        ("Hvornår får jeg min lønseddel?", "personal"),
        ("Can I swap my shift on Friday?", "personal"),
        ("Hvordan kobler jeg min bærbare til projektoren?", "personal"),
        ("Why is my laptop so slow?", "personal"),
        ("Hvornår har biblioteket åbent i julen?", "opening_hours"),
        ("What are the opening hours of the pharmacy?", "opening_hours"),
        ("Hvilket firma laver den bedste talegenkendelse?", "best_product"),
        ("Which scanner vendor has the best AI?", "best_product"),
        ("Kan du skrive et referat af mødet?", "writing_task"),
        ("Could you translate this paragraph into Danish?", "writing_task"),
        ("Hvordan skal vi skrive det erklærede formål?", ""),
        # the guideline's own subjects, though they name patients, numbers or "min"
        ("Hvordan informeres patienten før optagelsen?", ""),
        ("Må leverandøren se CPR-numre under valideringen?", ""),
        ("Skal vi validere på MR billeder fra 2023?", ""),
        ("Hvem er min kontaktperson hos leverandøren?", ""),
        ("Må klinikerne bruge deres egen telefon til optagelserne?", ""),
        ("Hvordan finder vi det bedste tilbud i udbuddet?", ""),
        ("Er en kontraktværdi på 1500000000 kr. over tærskelværdien?", ""),
    ],
)
def test_out_of_scope_intents(question, intent):
    assert out_of_scope_intent(question) == intent


def test_everyday_words_the_guideline_uses_are_not_concepts(shipped):
    # "hvem", "data", "patienter" are in most of the guideline's passages and titles
    assert read("Hvem har data om patienter?").concepts == ()


def test_general_synonym_groups_widen_the_search_but_name_no_concept(shipped):
    vocabulary = current_index().by_language["da"].vocabulary
    general = analyse_question("Hvilke udgifter er der?", vocabulary, load_synonyms())
    assert general.synonym_concepts == () and "omkostning" in general.weights
    curated = analyse_question("Skal vi lave en DPIA?", vocabulary, load_synonyms())
    assert curated.synonym_concepts == ("dpia",)


def test_curated_terms_stand_ins_and_typos_are_concepts(shipped):
    assert read("Skal vi lave en DBA?").concepts == ("dba",)
    assert "databehandleraftalen" in read("Hvor er databehandleraftalen?").concepts
    assert read("Hvor er databehandleraftalenn?").concepts  # a typo of the guideline's word
    # "intellectual property" is common in everyday English: no concept, but the question's
    # words are all the guideline's and specific, so it is on topic without one
    assert read("Who owns the intellectual property?", "en").on_topic


def test_a_title_word_common_in_everyday_language_is_no_concept(shipped):
    assert everyday_word("koster", "da") and everyday_word("afdelingen", "da")
    assert not everyday_word("afprøvningen", "da") and not everyday_word("dpia", "en")
    # "koster" and "skrive" are in a title each, but name nothing the guideline is about
    assert read("Hvad koster det at skrive?").concepts == ()
    assert read("Hvornår starter afprøvningen?").concepts == ("afprøvningen",)


def test_a_word_the_guideline_does_not_know_outweighs_a_common_one(shipped):
    # "IT-afdelingen" is the guideline's, but everyday: no concept, and "direktør" outweighs it
    subject = read("Hvem er direktør for IT-afdelingen?")
    assert subject.foreign == ("direktør",) and not subject.on_topic


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Hvem er direktør for IT-afdelingen?", "da"),
        ("Hvad fejler patienten på stue 9?", "da"),
        ("Hvilken pris har kaffen i kantinen?", "da"),
        ("How do I install Java on my laptop?", "en"),
    ],
)
def test_questions_beside_the_guideline_are_declined(shipped, question, language):
    answer = answer_question(question, language=language)
    assert answer.declined and answer.citations == []


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Hvem skal godkende valideringsprotokollen?", "approvals.validation_protocol"),
        ("hvad skal vi aftale om data med leverandøren", "agreement.data_use"),
        ("hvor mange patienter skal med i testen", "retrospective_validation.sample_size"),
    ],
)
def test_questions_about_the_guideline_are_still_answered(shipped, question, expected):
    answer = answer_question(question, language="da", limit=10)
    assert not answer.declined
    assert expected in [c.key for c in answer.citations]


def test_an_out_of_scope_question_gets_no_project_answer(team):
    answer = answer_question(
        "Hvad mangler vi for patienten på stue 3?", project=team.project, user=team.clinician
    )
    assert answer.declined and answer.project_answer is None and answer.citations == []
    # the same words without the patient are the project's own question
    answer = answer_question("Hvad mangler vi?", project=team.project, user=team.clinician)
    assert not answer.declined and answer.project_answer.kind == "status"


def test_a_function_word_the_guideline_does_not_know_is_not_foreign(shipped):
    assert function_like("mens", "da") and not function_like("kantinen", "da")
    # "mens" is no subject the guideline lacks; "kantinen" is
    assert "mens" not in read("Skal acceptkriterierne låses mens datasættet ændres?").foreign
    assert read("Hvilken pris har kaffen i kantinen?").foreign != ()


@pytest.mark.parametrize(
    ("question", "other_law"),
    [
        # laws of known words the guideline never names as laws
        ("Skal leverandøren følge offentlighedsloven?", True),
        ("Gælder arbejdsmiljøloven for projektets personale?", True),
        # the laws the guideline cites, and one a synonym group names
        ("Hvilken bestemmelse i sundhedsloven giver hjemmel?", False),
        ("Hvornår gælder udbudsloven?", False),
        ("Hvad siger AI-loven om højrisiko?", False),
    ],
)
def test_a_law_the_guideline_never_names_is_out_of_scope(shipped, question, other_law):
    assert (read(question).out_of_scope == "other_law") is other_law


def test_a_law_of_unknown_words_is_declined_too(shipped):
    # not read in parts, so foreign to the guideline
    assert answer_question("Hvad siger forvaltningsloven om partshøring?").declined
