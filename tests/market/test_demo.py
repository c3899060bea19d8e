"""The demo: TeleKOL shows vendors, a dialogue with a published answer, and a finished
evaluation of three offers in which the best total fails a minimum requirement."""

import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command

from checklists.loading import load_pathways
from market.models import DialogueEntry, Vendor
from market.selectors import load_evaluation
from procurement.models import Project
from tests.module_data import module_data

EVIDENCE = Path(tempfile.mkdtemp(prefix="market-demo-evidence-"))


def seed():
    load_pathways()
    call_command("seed_demo")


seeded_once = module_data(seed, snapshot="demo", DEBUG=True, EVIDENCE_ROOT=EVIDENCE)


@pytest.fixture(autouse=True)
def evidence_root(settings):
    settings.EVIDENCE_ROOT = EVIDENCE


@pytest.fixture
def seeded(db, settings, seeded_once):
    settings.DEBUG = True


def test_telekol_has_a_dialogue_and_a_finished_evaluation_of_three_offers(seeded):
    telekol = Project.objects.get(title__contains="TeleKOL")
    assert telekol.pathway.version >= 6
    assert Vendor.objects.filter(project=telekol).count() == 3
    question = DialogueEntry.objects.get(project=telekol, kind="question")
    assert question.published_at is not None and question.disclosures.count() == 3
    state = load_evaluation(telekol)
    assert state.finished is not None and len(state.bidders) == 3 and state.all_scored
    ranking = [(r.bidder.name.split()[0], r.rank) for r in state.ranking()]
    assert ranking == [("Luftvej", 1), ("Respira", 2), ("Nordlys", None)]
    assert Vendor.objects.get(project=telekol, status="winner").name.startswith("Luftvej")


def test_the_other_cases_have_no_market_data(seeded):
    others = Project.objects.exclude(title__contains="TeleKOL")
    assert not Vendor.objects.filter(project__in=others).exists()
