"""The answer function: synonyms, typos, declining, scopes, the project's own answers."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from assistant.answering import QuestionError, answer_question
from assistant.index import current_index
from checklists.models import Pathway
from procurement.models import Project

pytestmark = pytest.mark.django_db


def keys(answer) -> list[str]:
    return [c.key for c in answer.citations]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Skal vi lave en DPIA?", "legal.dpia_done"),
        ("konsekvensanalyse", "legal.dpia_done"),
        ("DBA", "legal.data_processing_agreement"),
        ("databehandleraftale", "legal.data_processing_agreement"),
        ("leverandørdialog", "market_dialogue"),
        ("Skal alle leverandorer have de samme oplysninger?", "market_dialogue.equal_treatment"),
        ("Hvor mange patienter skal vi teste på?", "retrospective_validation.sample_size"),
        ("Hvor længe gemmes lydoptagelser fra tale-til-tekst?", "agreement.audio_retention"),
    ],
)
def test_colloquial_wording_synonyms_and_typos(shipped, question, expected):
    assert expected in keys(answer_question(question, language="da"))


def test_english_questions_and_citation_fields(shipped):
    answer = answer_question("Do we need a data protection impact assessment?", language="en")
    first = answer.citations[0]
    assert first.key == "legal.dpia_done" and first.kind == "item"
    newest = Pathway.objects.filter(slug="indkoeb-ce-maerket-ai").order_by("-version").first()
    assert first.pathway == "indkoeb-ce-maerket-ai" and first.version == newest.version
    assert first.url == f"/guide/indkoeb-ce-maerket-ai/v{newest.version}/#item-legal.dpia_done"
    assert "DPIA" in first.title and first.role


@pytest.mark.parametrize("question", ["Hvad er vejret i morgen?", "opskrift på lasagne"])
def test_uncovered_questions_are_declined(shipped, question):
    answer = answer_question(question, language="da")
    assert answer.declined and answer.citations == []
    assert answer.contents_url == "/guide/"


def test_one_citation_per_key_from_the_default_pathway(shipped):
    answer = answer_question("Skal vi lave en DPIA?", language="da", limit=10)
    assert len(keys(answer)) == len(set(keys(answer)))
    assert {c.pathway for c in answer.citations if c.key == "legal.dpia_done"} == {
        "indkoeb-ce-maerket-ai"
    }


def test_pathway_scope(shipped):
    answer = answer_question("DPIA", language="da", pathway_slug="fast-track-validering")
    assert {c.pathway for c in answer.citations} == {"fast-track-validering"}
    with pytest.raises(QuestionError):
        answer_question("DPIA", pathway_slug="nope")


@pytest.mark.parametrize("question", ["", "   ", "x" * 301])
def test_empty_and_long_questions_are_refused(question):
    with pytest.raises(QuestionError):
        answer_question(question)


def test_the_index_follows_published_content(shipped):
    before = current_index()
    assert current_index() is before
    Pathway.objects.filter(slug="fast-track-validering").update(checksum="changed")
    assert current_index() is not before


def test_inside_a_project_citations_link_to_the_project(team):
    answer = answer_question(
        "Hvordan beskriver vi problemet?", project=team.project, user=team.clinician
    )
    assert answer.citations
    assert {c.pathway for c in answer.citations} == {"test-pathway"}
    assert answer.citations[0].project_url.startswith(f"/projects/{team.project.pk}/stages/")


def test_project_status_answer_says_what_is_missing(team):
    answer = answer_question("Hvad mangler vi?", project=team.project, user=team.clinician)
    assert answer.project_answer.kind == "status"
    assert not answer.declined
    assert answer.project_answer.intro == "Besvar 1 obligatorisk punkt: “Beskriv problemet”"


def test_project_procurement_answer_asks_for_the_value_first(team):
    answer = answer_question("Skal vi i EU-udbud?", project=team.project, user=team.clinician)
    assert answer.project_answer.kind == "procurement"


@pytest.mark.parametrize(
    ("language", "source"), [("da", "Konkurrence- og Forbrugerstyrelsen"), ("en", "Danish CCA")]
)
def test_project_procurement_answer_names_its_source_in_the_readers_language(
    team, monkeypatch, language, source
):
    from django.utils import translation

    from assistant import project_answers

    route = {
        "note_da": "EU-udbud.",
        "note_en": "EU tender.",
        "source_title": "Konkurrence- og Forbrugerstyrelsen",
        "source_title_en": "Danish CCA",
    }
    monkeypatch.setattr(
        project_answers,
        "procurement_route_state",
        lambda project: {"route": route, "value_missing": False, "error": ""},
    )
    with translation.override(language):
        lines = project_answers.procurement_answer(team.project).lines
    assert lines[-1].endswith(source)
    assert lines[0] == ("EU-udbud." if language == "da" else "EU tender.")


def test_project_classification_answer_lists_questions_first(team):
    answer = answer_question("Er det højrisiko?", project=team.project, user=team.clinician)
    assert answer.project_answer.kind == "classification"
    assert answer.project_answer.intro.startswith("Besvar først disse spørgsmål")


# --- the ask command ------------------------------------------------------------------------------


def test_ask_command_json(shipped, capsys):
    call_command("ask", "Skal vi lave en DPIA?", "--format", "json")
    data = json.loads(capsys.readouterr().out)
    assert data["declined"] is False and data["project_answer"] is None
    first = data["citations"][0]
    assert set(first) >= {"kind", "key", "pathway", "version", "score", "title", "url"}
    assert first["key"] == "legal.dpia_done"


def test_ask_command_in_a_project(team, capsys):
    call_command(
        "ask", "Hvad mangler vi?", "--project", str(team.project.pk), "--user", "clinician",
        "--format", "json",
    )  # fmt: skip
    assert json.loads(capsys.readouterr().out)["project_answer"]["kind"] == "status"


@pytest.mark.parametrize(
    "args",
    [
        ["", "--format", "json"],
        ["DPIA", "--pathway", "nope"],
        ["DPIA", "--project", "1"],
        ["DPIA", "--user", "clinician"],
    ],
)
def test_ask_command_refuses_bad_arguments_with_exit_2(shipped, args):
    with pytest.raises(CommandError) as error:
        call_command("ask", *args)
    assert error.value.returncode == 2


def test_ask_command_refuses_a_project_the_user_may_not_see(team):
    with pytest.raises(CommandError) as error:
        call_command("ask", "DPIA", "--project", str(team.project.pk), "--user", "outsider")
    assert error.value.returncode == 2 and Project.objects.count() == 1


def test_an_english_question_in_the_danish_interface(shipped):
    answer = answer_question("Do we need a data processing agreement?", language="da")
    assert "legal.data_processing_agreement" in keys(answer)
    # Read in English although the interface is Danish: the titles are the English ones.
    dpa = next(c for c in answer.citations if c.key == "legal.data_processing_agreement")
    assert dpa.title.startswith("Upload the data processing agreement")


@pytest.mark.parametrize("question", ["Hvem skal godkende?", "Who must approve?", "hvad nu"])
def test_status_questions(team, question):
    answer = answer_question(question, project=team.project, user=team.clinician)
    assert answer.project_answer.kind == "status"
