"""The project's own answer to a question about it: what is missing and who must act, the
AI Act / MDR / DPIA classification, or the EU procurement route. Each comes from the function
the project pages use (the gate, the decision helpers), never worked out twice."""

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from decisions.dated_data import source_title_in_language
from decisions.reasoning import cite, in_language
from decisions.tool import (
    CATEGORY_LABELS,
    classification_state,
    procurement_route_state,
)
from procurement.gates import checklist_reasons, load_stage_status, next_step

from .analysis import Query, contains_phrase, load_synonyms, words

STATUS, CLASSIFICATION, PROCUREMENT = "status", "classification", "procurement"


@dataclass
class ProjectAnswer:
    kind: str
    heading: str
    intro: str = ""
    lines: list[str] = field(default_factory=list)
    url: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "heading": self.heading,
            "intro": self.intro,
            "lines": self.lines,
            "url": self.url,
        }


def question_intent(question: str, query: Query) -> str | None:
    """Which of the project's answers the question asks for, if any (the first that matches)."""
    texts = (
        " ".join(words(question)),
        " ".join(query.repaired.get(w, w) for w in words(question)),
    )
    for name in (STATUS, PROCUREMENT, CLASSIFICATION):
        phrases = load_synonyms().intents.get(name, ())
        if any(contains_phrase(text, p) for text in texts for p in phrases):
            return name
    return None


def project_answer(question: str, query: Query, *, project, user) -> ProjectAnswer | None:
    intent = question_intent(question, query)
    if intent == STATUS:
        return status_answer(project, user)
    if intent == CLASSIFICATION:
        return classification_answer(project)
    if intent == PROCUREMENT:
        return procurement_answer(project)
    return None


def status_answer(project, user) -> ProjectAnswer:
    status = load_stage_status(project, with_deadlines=True)
    step = next_step(project, user, status)
    answer = ProjectAnswer(
        kind=STATUS,
        heading=_("Where your project stands"),
        intro=step.message,
        url=reverse("project_detail", args=[project.pk]),
    )
    for reason in checklist_reasons(status):
        line = reason.message
        if reason.people:
            line += " – " + ", ".join(reason.people)
        answer.lines.append(line)
    return answer


def classification_answer(project) -> ProjectAnswer:
    state = classification_state(project)
    result = state["result"]
    answer = ProjectAnswer(kind=CLASSIFICATION, heading=_("Your project's classification"))
    if result is None:
        answer.intro = _("Answer these questions first, then the classification is worked out:")
        answer.lines += [
            f"{m['text']} ({m['stage']})" if m["stage"] else m["text"] for m in state["missing"]
        ]
        return answer
    yes, no = _("yes"), _("no")
    answer.lines += [
        _("AI Act category: %(category)s")
        % {"category": _(CATEGORY_LABELS[result["ai_act_category"]])},
        _("MDR class: %(mdr_class)s") % {"mdr_class": result["mdr_class"] or "—"},
        _("DPIA required: %(answer)s") % {"answer": yes if result["dpia_required"] else no},
        _("FRIA required: %(answer)s") % {"answer": yes if result["fria_required"] else no},
    ]
    answer.lines += [
        f"{cite(step['article'])}: {in_language(step['text_da'], step['text_en'])}"
        for step in result["explanation"][:4]
    ]
    return answer


def procurement_answer(project) -> ProjectAnswer:
    state = procurement_route_state(project)
    answer = ProjectAnswer(kind=PROCUREMENT, heading=_("Your project's procurement route"))
    route = state["route"]
    if state["value_missing"]:
        answer.lines.append(
            _("Enter the estimated contract value first (stage “Tender and operation”).")
        )
    elif route is None:
        answer.lines.append(state["error"])
    else:
        answer.lines.append(in_language(route["note_da"], route["note_en"]))
        if route.get("source_title"):
            answer.lines.append(
                _("Source: %(source)s") % {"source": source_title_in_language(route)}
            )
    return answer
