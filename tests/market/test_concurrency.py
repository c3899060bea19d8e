"""Two procurement consultants answering the same vendor question at the same moment: one answer
is published, once to each vendor; the other person is told it was answered already.

Each thread has its own connection; the project row lock (PostgreSQL) or SQLite's immediate
write lock serialises them, and the service re-reads the question after the lock."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection

from checklists.loading import load_pathways
from checklists.models import Pathway
from market import services
from market.models import DialogueEntry, Disclosure
from procurement import services as procurement_services
from procurement.models import Action, HistoryEntry
from tests.market.conftest import FIXTURE, add_vendors
from tests.personas import make_team


@pytest.mark.django_db(transaction=True)
def test_one_answer_wins_when_two_people_answer_at_once():
    load_pathways([FIXTURE])
    team = make_team(Pathway.objects.get(slug="market-test", version=1))
    second = type(team.procurement).objects.create_user(
        username="indkoeb2", password="pw", organisation=team.organisation
    )
    procurement_services.add_member(
        project=team.project, by=team.clinician, user=second, role="procurement"
    )
    vendors = add_vendors(team)
    question = services.record_dialogue(
        project=team.reload(),
        by=team.procurement,
        kind="question",
        vendor=vendors[0],
        occurred_on=date(2026, 11, 3),
        title="Hosting",
        text="EU-sky?",
    )
    people = [team.procurement, second]
    barrier = threading.Barrier(len(people))
    results: list = [None] * len(people)

    def answer(index: int, person) -> None:
        close_old_connections()
        try:
            entry = DialogueEntry.objects.get(pk=question.pk)
            barrier.wait(timeout=30)
            services.answer_question(entry=entry, by=person, answer=f"Svar {index}")
            results[index] = "ok"
        except ValidationError as exc:
            results[index] = exc.code
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(i, p)) for i, p in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["answered", "ok"]
    assert Disclosure.objects.filter(entry=question).count() == 3
    published = HistoryEntry.objects.filter(
        project=team.project, action=Action.MARKET_DIALOGUE, after__has_key="answer"
    )
    assert published.count() == 1
