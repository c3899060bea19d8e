"""The assistant measured on its question sets: Recall@5, MRR@10, the share of uncovered questions
declined and of covered ones wrongly declined, and the latency per question. bench/assistant.py
prints it per set; tests/assistant/test_evaluation.py holds every set to the targets below.

The sets (tests/assistant/):
- questions.yaml, the first set: its training part and its held-out part (`holdout: true`);
- questions_dev.yaml, the development set the topic check was calibrated on;
- questions_dev2.yaml, a second development set of new wording (compounds, typos, mixed English)
  that the retrieval was tuned on;
- questions_heldout.yaml, a fresh held-out set written before the topic check and never tuned on.
"""

import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from .answering import answer_question
from .index import current_index

QUESTIONS_DIR = Path(__file__).resolve().parent.parent / "tests" / "assistant"
QUESTIONS_FILE = QUESTIONS_DIR / "questions.yaml"
DEV_FILE = QUESTIONS_DIR / "questions_dev.yaml"
DEV2_FILE = QUESTIONS_DIR / "questions_dev2.yaml"
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
