"""The one function that answers a question: `answer_question`. The web view, the `ask` command
and (later) the API call it and present its `Answer`.

It searches the published guideline (the project's pinned version inside a project, else the
latest version of each pathway, or of the pathway asked for), answers from the project's own state
where the question is about it (project_answers.py), and declines what the guideline does not
cover rather than guess. It writes nothing; logging a question is services.log_question.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from checklists.roles import Role
from procurement.permissions import roles_of

from .analysis import Query, analyse_question, load_synonyms, stem, words
from .index import ITEM, GuidelineIndex, Passage, current_index
from .project_answers import ProjectAnswer, project_answer
from .topic import Topic, topic

MAX_QUESTION_LENGTH = 300
DEFAULT_LIMIT = 5
# Calibrated on the evaluation set's training part (bench/assistant.py): below this score, or
# when too few of the question's words are the guideline's, or when the question is not about the
# guideline's subject (topic.py), the assistant declines.
MIN_SCORE = 1.5
MIN_KNOWN_SHARE = 0.35
# How much more of a question the other language must know before the question is read in it.
OTHER_LANGUAGE_MARGIN = 0.25
# A passage far below the best one is noise, not a second answer.
RELATIVE_CUTOFF = 0.25
# Boosts inside a project: the stage the team is in, and the items the person answers.
CURRENT_STAGE_BOOST = 1.15
ROLE_BOOST = 1.1
SENTENCE = re.compile(r"(?<=[.!?])\s+")


class QuestionError(ValueError):
    """The question cannot be asked (empty, too long, unknown language or pathway)."""


@dataclass(frozen=True)
class Citation:
    kind: str
    key: str
    pathway: str
    version: int
    score: float
    title: str
    excerpt: str
    stage_name: str
    role: str
    url: str
    project_url: str
    sources: tuple[dict, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "key": self.key,
            "pathway": self.pathway,
            "version": self.version,
            "score": round(self.score, 3),
            "title": self.title,
            "url": self.url,
            "excerpt": self.excerpt,
            "stage": self.stage_name,
            "role": self.role,
            "project_url": self.project_url or None,
            "sources": [dict(s) for s in self.sources],
        }


@dataclass
class Answer:
    question: str
    language: str
    declined: bool
    citations: list[Citation] = field(default_factory=list)
    project_answer: ProjectAnswer | None = None
    contents_url: str = ""
    team_url: str = ""
    top_score: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "language": self.language,
            "declined": self.declined,
            "project_answer": self.project_answer.as_dict() if self.project_answer else None,
            "citations": [c.as_dict() for c in self.citations],
            "contents_url": self.contents_url,
            "team_url": self.team_url or None,
        }


def clean_question(question: str) -> str:
    question = " ".join(str(question or "").split())
    if not question:
        raise QuestionError("empty")
    if len(question) > MAX_QUESTION_LENGTH:
        raise QuestionError("too_long")
    return question


def answer_question(
    question: str,
    *,
    language: str = "da",
    project=None,
    user=None,
    pathway_slug: str | None = None,
    limit: int = DEFAULT_LIMIT,
    index: GuidelineIndex | None = None,
) -> Answer:
    """Answer `question` in `language` ("da" or "en"). With a project (which the caller has
    already checked the person may see), search its pinned guideline version, boost its current
    stage and the person's roles, and add the project's own answer where the question asks for
    one. Raises QuestionError for an empty or over-long question, an unknown language or pathway.
    """
    question = clean_question(question)
    if language not in ("da", "en"):
        raise QuestionError("language")
    index = index or current_index()
    with translation.override(language):
        scope = _scope(index, project, pathway_slug)
        query, searched = _read_question(question, language, index)
        subject = topic(question, query, index.by_language[searched].vocabulary, load_synonyms())
        ranked = _rank(index, query, searched, scope, project, user)
        top = ranked[0][1] if ranked else 0.0
        declined = _declines(query, top, subject)
        answer = Answer(
            question=question,
            language=language,
            declined=declined,
            contents_url=reverse("guide_index"),
            team_url=reverse("project_team", args=[project.pk]) if project else "",
            top_score=top,
        )
        if project is not None and not subject.out_of_scope:
            answer.project_answer = project_answer(question, query, project=project, user=user)
        if not declined:
            kept = [(p, s) for p, s in ranked if s >= top * RELATIVE_CUTOFF][:limit]
            answer.citations = [_citation(p, s, query, searched, project) for p, s in kept]
        elif answer.project_answer is not None:
            # The project's own answer is an answer: the guideline simply had no passage.
            answer.declined = False
    return answer


def _read_question(question: str, language: str, index: GuidelineIndex) -> tuple[Query, str]:
    """The question read in the interface's language, or in the other one when the guideline
    knows clearly more of its words there (an English question asked in the Danish interface)."""
    synonyms = load_synonyms()
    other = "en" if language == "da" else "da"
    vocabulary = index.by_language[language].vocabulary
    other_vocabulary = index.by_language[other].vocabulary
    query = analyse_question(question, vocabulary, synonyms, other_vocabulary)
    if query.known_share + OTHER_LANGUAGE_MARGIN >= 1.0:
        return query, language  # the other reading could not win
    alternative = analyse_question(question, other_vocabulary, synonyms, vocabulary)
    if alternative.known_share > query.known_share + OTHER_LANGUAGE_MARGIN:
        return alternative, other
    return query, language


def _declines(query: Query, top: float, subject: Topic) -> bool:
    if not query.content_words or top < MIN_SCORE or not subject.on_topic:
        return True
    return query.known_share < MIN_KNOWN_SHARE


def _scope(index: GuidelineIndex, project, pathway_slug: str | None) -> set[int]:
    """The pathway versions to search."""
    if project is not None:
        return {project.pathway_id}
    latest: dict[str, tuple[int, int]] = {}
    for pk, slug, version, _checksum in index.key:
        if slug not in latest or version > latest[slug][0]:
            latest[slug] = (version, pk)
    if pathway_slug is not None:
        if pathway_slug not in latest:
            raise QuestionError("pathway")
        return {latest[pathway_slug][1]}
    return {pk for _version, pk in latest.values()}


def _rank(index, query, language, scope, project, user) -> list[tuple[Passage, float]]:
    """Passages in scope by score (best first), one per stage or item key: the same item in
    several pathways is cited once, from the default pathway when the scores tie."""
    scores = index.scores(query, language)
    current_stage = project.state if project is not None else None
    roles = _roles(project, user)
    default = settings.ASSISTANT_DEFAULT_PATHWAY
    best: dict[tuple[str, str], tuple[float, int, int]] = {}
    for position, passage in enumerate(index.passages):
        score = float(scores[position])
        if passage.pathway_id not in scope or score <= 0:
            continue
        if current_stage and passage.stage_key == current_stage:
            score *= CURRENT_STAGE_BOOST
        if passage.kind == ITEM and passage.role in roles:
            score *= ROLE_BOOST
        rank_key = (-score, passage.pathway_slug != default, position)
        seen = best.get((passage.kind, passage.key))
        if seen is None or rank_key < seen:
            best[(passage.kind, passage.key)] = rank_key
    order = sorted(best.values())
    return [(index.passages[position], -neg) for neg, _default, position in order]


def _roles(project, user) -> set[str]:
    if project is None or user is None or not getattr(user, "is_authenticated", False):
        return set()
    return roles_of(project, user)


def _citation(passage: Passage, score: float, query: Query, language: str, project) -> Citation:
    anchor = f"{passage.kind}-{passage.key}"
    url = reverse("guide_version", args=[passage.pathway_slug, passage.pathway_version])
    project_url = ""
    if project is not None:
        project_url = reverse("project_stage", args=[project.pk, passage.stage_key])
        if passage.kind == ITEM:
            project_url += f"#item-{passage.pk}"
    return Citation(
        kind=passage.kind,
        key=passage.key,
        pathway=passage.pathway_slug,
        version=passage.pathway_version,
        score=score,
        title=passage.title(language),
        excerpt=best_sentences(passage.text(language), query, language),
        stage_name=passage.stage_name(language),
        role=str(Role(passage.role).label) if passage.role in Role.values else "",
        url=f"{url}#{anchor}",
        project_url=project_url,
        sources=passage.sources,
    )


def best_sentences(text: str, query: Query, language: str, count: int = 2) -> str:
    """The sentence(s) of a help text that share most terms with the question, in their order."""
    sentences = [s for s in SENTENCE.split(text.strip()) if s]
    if len(sentences) <= count:
        return " ".join(sentences)
    scored = []
    for position, sentence in enumerate(sentences):
        stems = {stem(w, language) for w in words(sentence)}
        scored.append((-sum(query.weights.get(s, 0.0) for s in stems), position))
    chosen = sorted(position for _score, position in sorted(scored)[:count])
    return " ".join(sentences[p] for p in chosen)
