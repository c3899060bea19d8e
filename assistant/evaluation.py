"""The assistant measured on its question sets: Recall@5, MRR@10, the share of uncovered questions
declined and of covered ones wrongly declined, and the latency per question. bench/assistant.py
prints it per set; tests/assistant/test_evaluation.py holds every set to the targets below.

The sets (tests/assistant/):
- questions.yaml, the first set: its training part and its held-out part (`holdout: true`);
- questions_dev.yaml, the development set the topic check was calibrated on;
- questions_dev2.yaml, a second development set of new wording (compounds, typos, mixed English)
  that the retrieval was tuned on;
- questions_dev3.yaml, a third development set in the voice of busy users (colloquial,
  abbreviations, typos, mixed English, rambling or very short) with uncovered questions near the
  domain (parking, pay, one patient's care, IT support, a product's price, other laws);
- questions_heldout.yaml, a fresh held-out set written before the topic check and never tuned on.

The decline's thresholds are fitted by `calibrate` on the training and development sets only
(`bench/assistant.py --calibrate`): a grid over the everyday-word cut (analysis.COMMON_ZIPF),
the weight of a word the guideline does not know (topic.FOREIGN_WEIGHT), the concepts' share
(topic.MIN_CONCEPT_SHARE) and the known share (answering.MIN_KNOWN_SHARE); the best combination
meets every target on every calibration set and has the largest sum of Recall@5 + uncovered
declined - covered wrongly declined; of equally good ones, `chosen` takes the middle one.

Issue 11 (unseen wording), figures of bench/assistant.py before -> after, on the sets as they are
now (dev2 got 26 more questions, 14 covered and 12 uncovered of the hard kind, written before
they were run): Recall@5, MRR@10, uncovered declined, covered wrongly declined
- training:     0.940 -> 0.940, 0.848 -> 0.848, 95.5 % -> 95.5 %, 2.0 % -> 2.0 %
- held-out:     0.878 -> 0.898, 0.804 -> 0.824, 87.5 % -> 75.0 %, 6.1 % -> 4.1 % (8 uncovered)
- dev:          0.957 -> 0.979, 0.895 -> 0.917, 91.5 % -> 95.7 %, 4.3 % -> 2.1 %
- dev2:         0.847 -> 0.932, 0.773 -> 0.848, 88.1 % -> 90.5 %, 13.6 % -> 2.5 %
- new held-out: 0.844 -> 0.906, 0.741 -> 0.803, 96.9 % -> 96.9 %, 9.4 % -> 3.1 %
The gain is mostly fewer covered questions declined: a question with one word of its own is no
longer refused (topic.py). Latency stays far below the target (p95 about 10 ms on a quiet
machine, 25 ms with the machine's two cores fully loaded).

Generalisation to unseen wording (dev3 written first, then the failures of the training and
development sets looked at, never the held-out ones): an unknown word as common as a function
word ("mens") no longer counts against a question; a law the guideline never names
("arbejdsmiljøloven"), a person's own equipment or account, opening hours and "which product is
the best" are out of scope; a few words real users use for the guideline's terms (tovholder,
chatbot, shortlist, handicap, firma, går ned). Figures before -> after, same columns:
- training:     0.940 -> 0.953, 0.848 -> 0.862, 95.5 % -> 95.5 %, 2.0 % -> 1.3 %
- held-out:     0.898 -> 0.898, 0.824 -> 0.824, 75.0 % -> 75.0 %, 4.1 % -> 4.1 % (8 uncovered)
- dev:          0.979 -> 0.979, 0.917 -> 0.917, 95.7 % -> 95.7 %, 2.1 % -> 2.1 %
- dev2:         0.932 -> 0.949, 0.848 -> 0.867, 90.5 % -> 97.6 %, 2.5 % -> 0.8 %
- dev3:         0.956 -> 0.973, 0.927 -> 0.944, 88.2 % -> 97.1 %, 2.7 % -> 0.9 %
- new held-out: 0.906 -> 0.969, 0.803 -> 0.841, 96.9 % -> 96.9 %, 3.1 % -> 0.0 %
The first set's held-out part is unchanged and still below its targets: its misses are not of the
kinds above. Recalibrated with dev3 among the calibration sets (`--calibrate` on the final code),
the chosen combination is the shipped one (COMMON_ZIPF 4.25, FOREIGN_WEIGHT 0.5, MIN_CONCEPT_SHARE
0.35, MIN_KNOWN_SHARE 0.35; score 7.661, margin 0.029); midway, before the last vocabulary and
out-of-scope changes, it had ranked FOREIGN_WEIGHT 1.0 first by 0.019, which declined two more
covered questions of dev2 and was not adopted. Tried and dropped: answering a question without a
concept when its known words outweigh its foreign ones by a margin (covered and uncovered questions
of that kind have the same shares, 0.4-0.7), "kursus" as a word for training (it let "kursus i
førstehjælp" through), reading a real word of the language only as another form of the guideline's
word, never as a typo of another ("pauser" is no "passer": one more uncovered question of dev3
declined, but one more covered question of dev2 declined and training MRR 0.848 -> 0.845), and a
larger title weight (1.25-2.0: better MRR on training, dev and dev2, worse on dev3).
"""

import itertools
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import analysis, answering, topic
from .answering import answer_question
from .index import current_index

QUESTIONS_DIR = Path(__file__).resolve().parent.parent / "tests" / "assistant"
QUESTIONS_FILE = QUESTIONS_DIR / "questions.yaml"
DEV_FILE = QUESTIONS_DIR / "questions_dev.yaml"
DEV2_FILE = QUESTIONS_DIR / "questions_dev2.yaml"
DEV3_FILE = QUESTIONS_DIR / "questions_dev3.yaml"
HELDOUT_FILE = QUESTIONS_DIR / "questions_heldout.yaml"
TARGETS = {
    "recall_at_5": 0.90,
    "mrr_at_10": 0.75,
    "uncovered_declined": 0.85,
    "covered_declined": 0.05,  # at most
    "p95_ms": 50.0,  # at most
}


@dataclass(frozen=True)
class Question:
    text: str
    language: str
    expect: tuple[str, ...]
    covered: bool
    holdout: bool  # never looked at while tuning


@dataclass
class Outcome:
    question: Question
    keys: list[str]
    declined: bool
    seconds: float

    @property
    def rank(self) -> int | None:
        """The position (1-based) of the first expected key among the citations."""
        for position, key in enumerate(self.keys, start=1):
            if key in self.question.expect:
                return position
        return None


def load_questions(path: Path = QUESTIONS_FILE, *, holdout: bool = False) -> list[Question]:
    """The questions of one file; `holdout` marks them all as held out."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    return [
        Question(
            text=row["q"],
            language=row["lang"],
            expect=tuple(row.get("expect", ())),
            covered=row.get("covered", True),
            holdout=holdout or bool(row.get("holdout", False)),
        )
        for row in data
    ]


def question_sets() -> dict[str, list[Question]]:
    """Every set by name, in the order bench/assistant.py reports them."""
    first = load_questions(QUESTIONS_FILE)
    return {
        "training": [q for q in first if not q.holdout],
        "held-out": [q for q in first if q.holdout],
        "dev": load_questions(DEV_FILE),
        "dev2": load_questions(DEV2_FILE),
        "dev3": load_questions(DEV3_FILE),
        "new held-out": load_questions(HELDOUT_FILE, holdout=True),
    }


def run(questions: list[Question]) -> list[Outcome]:
    index = current_index()  # built once, as in a running server
    outcomes = []
    for question in questions:
        start = time.perf_counter()
        answer = answer_question(question.text, language=question.language, limit=10)
        seconds = time.perf_counter() - start
        outcomes.append(Outcome(question, [c.key for c in answer.citations], answer.declined,
                                seconds))  # fmt: skip
    del index
    return outcomes


def figures(outcomes: list[Outcome]) -> dict[str, float]:
    covered = [o for o in outcomes if o.question.covered]
    uncovered = [o for o in outcomes if not o.question.covered]
    found = [o.rank for o in covered]
    times = sorted(o.seconds * 1000 for o in outcomes)
    return {
        "questions": len(outcomes),
        "covered": len(covered),
        "uncovered": len(uncovered),
        "recall_at_5": _share(r is not None and r <= 5 for r in found),
        "mrr_at_10": statistics.fmean(1 / r if r and r <= 10 else 0 for r in found)
        if found
        else 0.0,
        "uncovered_declined": _share(o.declined for o in uncovered),
        "covered_declined": _share(o.declined for o in covered),
        "median_ms": statistics.median(times) if times else 0.0,
        "p95_ms": times[min(len(times) - 1, int(0.95 * len(times)))] if times else 0.0,
    }


def _share(values) -> float:
    values = list(values)
    return sum(1 for v in values if v) / len(values) if values else 0.0


def misses(figures_: dict[str, float]) -> list[str]:
    """The targets these figures do not meet."""
    problems = []
    for name in ("recall_at_5", "mrr_at_10", "uncovered_declined"):
        if figures_[name] < TARGETS[name]:
            problems.append(f"{name} {figures_[name]:.3f} < {TARGETS[name]}")
    for name in ("covered_declined", "p95_ms"):
        if figures_[name] > TARGETS[name]:
            problems.append(f"{name} {figures_[name]:.3f} > {TARGETS[name]}")
    return problems


# The sets the decline thresholds are fitted on; the held-out sets only measure them.
CALIBRATION_SETS = ("training", "dev", "dev2", "dev3")
# The thresholds of the decline (module, name, the values tried).
CALIBRATION_GRID = (
    (analysis, "COMMON_ZIPF", (4.0, 4.25, 4.5, 5.0)),
    (topic, "FOREIGN_WEIGHT", (0.5, 0.7, 1.0)),
    (topic, "MIN_CONCEPT_SHARE", (0.3, 0.35, 0.4, 0.5)),
    (answering, "MIN_KNOWN_SHARE", (0.35, 0.5)),
)


def calibrate(sets: dict[str, list[Question]]) -> list[tuple[tuple, dict[str, float]]]:
    """Every combination of CALIBRATION_GRID's values measured on the calibration sets, best
    first: a combination that meets every target on every set (latency aside) before one that
    does not; then the larger sum over the sets of Recall@5 + uncovered declined - covered
    wrongly declined; then the larger worst margin to the two decline targets; then the grid's
    order. The thresholds decide only whether to decline, so each question is read and ranked
    once (as answer_question does) and only the topic check and the decline are run again per
    combination. The module constants are restored afterwards."""
    read = {name: [(q, _read_and_rank(q)) for q in sets[name]] for name in CALIBRATION_SETS}
    saved = [getattr(module, name) for module, name, _values in CALIBRATION_GRID]
    results = []
    try:
        for order, values in enumerate(itertools.product(*(v for *_, v in CALIBRATION_GRID))):
            for (module, name, _values), value in zip(CALIBRATION_GRID, values, strict=True):
                setattr(module, name, value)
            per_set = {
                name: figures([_decide(q, *reading) for q, reading in read[name]])
                for name in CALIBRATION_SETS
            }
            meets = all(not _misses_but_latency(f) for f in per_set.values())
            score = sum(
                f["recall_at_5"] + f["uncovered_declined"] - f["covered_declined"]
                for f in per_set.values()
            )
            margin = min(
                min(
                    f["uncovered_declined"] - TARGETS["uncovered_declined"],
                    TARGETS["covered_declined"] - f["covered_declined"],
                )
                for f in per_set.values()
            )
            summary = {"meets": meets, "score": score, "margin": margin, "order": order}
            results.append((values, summary))
    finally:
        for (module, name, _values), value in zip(CALIBRATION_GRID, saved, strict=True):
            setattr(module, name, value)
    results.sort(key=lambda r: (not r[1]["meets"], -round(r[1]["score"], 9),
                                -round(r[1]["margin"], 9), r[1]["order"]))  # fmt: skip
    return results


def chosen(results: list[tuple[tuple, dict[str, float]]]) -> tuple:
    """The combination to use: of the best ones, equal in whether they meet the targets, in
    score and in margin, the middle one in the grid's order, the one furthest inside the range
    of values that do as well (the edge of it is one question from doing worse)."""
    best = results[0][1]
    tied = [values for values, summary in results
            if (summary["meets"], round(summary["score"], 9), round(summary["margin"], 9))
            == (best["meets"], round(best["score"], 9), round(best["margin"], 9))]  # fmt: skip
    return tied[(len(tied) - 1) // 2]


def _read_and_rank(question: Question) -> tuple:
    """What answer_question computes before it decides to decline: the reading of the question,
    the language searched, and the keys it would cite (limit 10)."""
    index = current_index()
    query, searched = answering._read_question(question.text, question.language, index)
    ranked = answering._rank(index, query, searched, answering._scope(index, None, None), None,
                             None)  # fmt: skip
    top = ranked[0][1] if ranked else 0.0
    keys = [p.key for p, s in ranked if s >= top * answering.RELATIVE_CUTOFF][:10]
    return query, searched, top, keys


def _decide(question: Question, query, searched: str, top: float, keys: list[str]) -> Outcome:
    vocabulary = current_index().by_language[searched].vocabulary
    subject = topic.topic(question.text, query, vocabulary, analysis.load_synonyms())
    declined = answering._declines(query, top, subject)
    return Outcome(question, [] if declined else keys, declined, 0.0)


def _misses_but_latency(figures_: dict[str, float]) -> list[str]:
    return [m for m in misses(figures_) if not m.startswith("p95_ms")]
