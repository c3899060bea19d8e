"""The search index over the published guideline: every stage and item of every published
pathway version, in Danish and in English, ranked by BM25 (bm25s). Each passage is indexed
whole (title, help text, stage name, sources) and its title on its own; a term's score is the
sum of both (field weighting, TITLE_WEIGHT), so a word of an item's question outranks the same
word deep in a long help text.

The index is built from the database and kept per process, keyed by the published pathway
versions (id, slug, version and checksum). When `load_pathways` publishes a new version the key
changes and the next question rebuilds it, so every process answers from the same content. The
build reads rows in a fixed order and ranking breaks ties by that order, so results are the same
on SQLite and PostgreSQL.
"""

import threading
from collections import Counter
from dataclasses import dataclass, field

import bm25s
import numpy as np

from checklists.models import ChecklistItem, Pathway, Stage

from .analysis import (
    LANGUAGES,
    Query,
    Vocabulary,
    compound_parts,
    content_words,
    everyday_frequencies,
    joined_pairs,
    stem,
    words,
)

ITEM, STAGE = "item", "stage"
# A passage's title is also searched on its own, and its score counts this much beside the whole
# passage's (measured on the training and development sets: a title word outranks the same word
# in a long help text).
TITLE_WEIGHT = 1.0


@dataclass(frozen=True)
class Passage:
    """One stage or item of one pathway version, as the assistant cites it."""

    kind: str
    key: str
    pk: int  # the stage's or item's row, for links into a project
    pathway_id: int
    pathway_slug: str
    pathway_version: int
    stage_key: str
    stage_order: int
    title_da: str
    title_en: str
    text_da: str  # the item's help or the stage's purpose
    text_en: str
    stage_name_da: str
    stage_name_en: str
    role: str = ""  # the role that answers an item
    sources: tuple[dict, ...] = ()

    def title(self, language: str) -> str:
        return self.title_en if language == "en" else self.title_da

    def text(self, language: str) -> str:
        return self.text_en if language == "en" else self.text_da

    def stage_name(self, language: str) -> str:
        return self.stage_name_en if language == "en" else self.stage_name_da

    def searchable(self, language: str) -> str:
        parts = [self.title(language), self.text(language)]
        parts.append(self.stage_name(language))
        parts += [f"{s.get('title', '')} {s.get('article', '')}" for s in self.sources]
        return "\n".join(parts)


@dataclass
class LanguageIndex:
    vocabulary: Vocabulary
    bm25: bm25s.BM25  # over the whole passage
    title_bm25: bm25s.BM25  # over its title alone: what the passage is about


@dataclass
class GuidelineIndex:
    key: tuple
    passages: list[Passage]
    by_language: dict[str, LanguageIndex] = field(default_factory=dict)

    def scores(self, query: Query, language: str) -> np.ndarray:
        """Every passage's BM25 score for the query's weighted stems."""
        index = self.by_language[language]
        total = np.zeros(len(self.passages), dtype=np.float64)
        for term, weight in sorted(query.weights.items()):
            total += weight * _term_scores(index, term)
        if query.other_language:
            other = self.by_language[query.other_language]
            for term, weight in sorted(query.other_weights.items()):
                total += weight * _term_scores(other, term)
        return total


def _term_scores(index: LanguageIndex, term: str) -> np.ndarray:
    """A term's BM25 score in each whole passage plus, weighted, in each title: a term of the
    title says more than the same term in a long help text, whose length BM25 normalises."""
    return index.bm25.get_scores([term]) + TITLE_WEIGHT * index.title_bm25.get_scores([term])


def published_key() -> tuple:
    """What identifies the published content (one query)."""
    return tuple(
        Pathway.objects.filter(is_published=True)
        .order_by("pk")
        .values_list("pk", "slug", "version", "checksum")
    )


def load_passages(pathway_ids: list[int]) -> list[Passage]:
    """Every stage and item of these pathway versions, in a fixed order (two queries)."""
    stages = Stage.objects.filter(pathway_id__in=pathway_ids).select_related("pathway")
    passages = []
    by_id = {}
    # Sorted in Python, not by the database: collations differ between SQLite and PostgreSQL.
    stages = sorted(stages, key=lambda s: (s.pathway.slug, s.pathway.version, s.order))
    for stage in stages:
        by_id[stage.pk] = stage
        passages.append(
            Passage(
                kind=STAGE,
                key=stage.key,
                pk=stage.pk,
                pathway_id=stage.pathway_id,
                pathway_slug=stage.pathway.slug,
                pathway_version=stage.pathway.version,
                stage_key=stage.key,
                stage_order=stage.order,
                title_da=stage.name_da,
                title_en=stage.name_en,
                text_da=" ".join(filter(None, [stage.purpose_da, stage.gate_question_da])),
                text_en=" ".join(filter(None, [stage.purpose_en, stage.gate_question_en])),
                stage_name_da=stage.name_da,
                stage_name_en=stage.name_en,
            )
        )
    items = sorted(
        ChecklistItem.objects.filter(stage_id__in=list(by_id)),
        key=lambda i: (by_id[i.stage_id].pathway.slug, by_id[i.stage_id].pathway.version,
                       by_id[i.stage_id].order, i.order),
    )  # fmt: skip
    for item in items:
        stage = by_id[item.stage_id]
        choices_da = " ".join(c.get("da", "") for c in item.choices)
        choices_en = " ".join(c.get("en", "") for c in item.choices)
        passages.append(
            Passage(
                kind=ITEM,
                key=item.key,
                pk=item.pk,
                pathway_id=stage.pathway_id,
                pathway_slug=stage.pathway.slug,
                pathway_version=stage.pathway.version,
                stage_key=stage.key,
                stage_order=stage.order,
                title_da=item.text_da,
                title_en=item.text_en,
                text_da=" ".join(filter(None, [item.help_da, choices_da])),
                text_en=" ".join(filter(None, [item.help_en, choices_en])),
                stage_name_da=stage.name_da,
                stage_name_en=stage.name_en,
                role=item.role,
                sources=tuple(item.sources or ()),
            )
        )
    return passages


def _tokens(
    text: str, language: str, parts: dict[str, tuple[str, ...]], surface_stems: set[str]
) -> list[str]:
    """What the index stores for a text: its stemmed content words, the parts of its
    compounds, and the guideline's words it writes as two."""
    own = content_words(text, language)
    return (
        [stem(w, language) for w in own]
        + [stem(part, language) for w in own for part in parts.get(w, ())]
        + [stem(w, language) for w in joined_pairs(own, surface_stems, language)]
    )


def build_index(key: tuple, passages: list[Passage]) -> GuidelineIndex:
    index = GuidelineIndex(key=key, passages=passages)
    for language in LANGUAGES:
        everyday_frequencies(language)  # read with the index, not on the first question
        texts = [p.searchable(language) for p in passages]
        surface = {w for text in texts for w in words(text)}
        parts = compound_parts(surface)
        surface_stems = {stem(w, language) for w in surface}
        corpus = [_tokens(text, language, parts, surface_stems) for text in texts]
        titles_corpus = [
            _tokens(p.title(language), language, parts, surface_stems) for p in passages
        ]
        bm25, title_bm25 = bm25s.BM25(), bm25s.BM25()
        if passages:
            bm25.index(corpus, show_progress=False)
            title_bm25.index(titles_corpus, show_progress=False)
        frequency = Counter(t for doc in corpus for t in set(doc))
        title_stems: dict[tuple[str, str], set[str]] = {}
        for p in passages:
            stems_ = {stem(w, language) for w in content_words(p.title(language), language)}
            title_stems.setdefault((p.kind, p.key), set()).update(stems_)
        titles = Counter(t for stems_ in title_stems.values() for t in stems_)
        vocabulary = Vocabulary(
            language=language,
            surface=surface,
            stems=set(frequency),
            title_frequency=dict(titles),
            title_keys=len(title_stems),
            document_frequency=dict(frequency),
            documents=len(corpus),
        )
        index.by_language[language] = LanguageIndex(
            vocabulary=vocabulary, bm25=bm25, title_bm25=title_bm25
        )
    return index


_cache: dict[str, GuidelineIndex] = {}
_lock = threading.Lock()


def current_index() -> GuidelineIndex:
    """The index for the content published now; rebuilt when that changes."""
    key = published_key()
    index = _cache.get("index")
    if index is not None and index.key == key:
        return index
    with _lock:
        index = _cache.get("index")
        if index is None or index.key != key:
            index = build_index(key, load_passages([row[0] for row in key]))
            _cache["index"] = index
    return index
