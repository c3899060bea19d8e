"""The assistant meets its targets on every question set, the held-out ones included, so a
content change cannot silently break it. bench/assistant.py prints the same figures."""

import pytest

from assistant.evaluation import (
    DEV2_FILE,
    DEV3_FILE,
    DEV_FILE,
    HELDOUT_FILE,
    QUESTIONS_FILE,
    figures,
    load_questions,
    misses,
    question_sets,
    run,
)
from checklists.models import ChecklistItem, Stage

# Sets that do not yet meet every target, with the figures that miss. Strict: the test fails as
# soon as the set meets them, so the mark cannot outlive the gap. Never tune on the held-out sets
# to remove a mark; improve the assistant on the training and dev sets and measure here.
# Sets still below the targets (issue 11 stays open until they pass): the figures of
# bench/assistant.py on the shipped guideline. The marks are strict, so a set that reaches its
# targets fails here until its mark is removed.
BELOW_TARGET = {
    "held-out": "Recall@5 0.898 and 75.0 % of uncovered questions declined (two of its eight "
    "uncovered questions answered)",
}


def test_the_first_question_set_is_big_enough():
    questions = load_questions(QUESTIONS_FILE)
    assert len(questions) >= 150
    assert sum(q.language == "da" for q in questions) >= 100
    assert sum(not q.covered for q in questions) >= 25


@pytest.mark.parametrize(
    ("path", "covered", "uncovered"),
    [(DEV_FILE, 40, 40), (DEV2_FILE, 50, 20), (DEV3_FILE, 60, 30), (HELDOUT_FILE, 30, 30)],
)
def test_the_dev_and_new_held_out_sets_are_big_enough(path, covered, uncovered):
    questions = load_questions(path)
    assert sum(q.covered for q in questions) >= covered
    assert sum(not q.covered for q in questions) >= uncovered
    assert sum(q.language == "da" for q in questions) > len(questions) / 2


def test_every_question_says_what_it_expects_and_no_question_is_in_two_sets():
    sets = question_sets()
    for questions in sets.values():
        assert all(q.expect for q in questions if q.covered)
        assert not any(q.expect for q in questions if not q.covered)
    texts = [q.text.casefold() for questions in sets.values() for q in questions]
    assert len(texts) == len(set(texts))


def test_every_expected_key_exists_in_the_shipped_content(shipped):
    keys = set(ChecklistItem.objects.values_list("key", flat=True))
    keys |= set(Stage.objects.values_list("key", flat=True))
    expected = {key for qs in question_sets().values() for q in qs for key in q.expect}
    assert expected - keys == set()


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            name,
            marks=[pytest.mark.xfail(strict=True, reason=BELOW_TARGET[name])]
            if name in BELOW_TARGET
            else [],
        )
        for name in ("training", "held-out", "dev", "dev2", "dev3", "new held-out")
    ],
)
def test_the_assistant_meets_its_targets(shipped, name):
    result = figures(run(question_sets()[name]))
    assert misses(result) == [], result
