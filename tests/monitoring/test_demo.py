"""The demo monitoring: TeleKOL's 18 generated months raise one alarm, whose incident is decided;
the Ambient Scribe's hospitals wave has a plan. Labelled as generated throughout."""

import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command

from checklists.loading import load_pathways
from monitoring.models import Alarm, Incident, MonitoringPlan, PeriodData
from monitoring.selectors import load_state
from procurement.models import Project
from tests.module_data import module_data

EVIDENCE = Path(tempfile.mkdtemp(prefix="monitoring-demo-evidence-"))


def seed():
    load_pathways()
    call_command("seed_demo")


seeded_once = module_data(seed, snapshot="demo", DEBUG=True, EVIDENCE_ROOT=EVIDENCE)


@pytest.fixture(autouse=True)
def evidence_root(settings):
    """The demo's evidence files stay where the seed put them."""
    settings.EVIDENCE_ROOT = EVIDENCE


@pytest.fixture
def seeded(db, settings, seeded_once):
    """The demo, seeded once for this module (see tests/module_data.py)."""
    settings.DEBUG = True


def test_telekol_has_18_generated_months_one_alarm_and_a_decided_incident(seeded):
    telekol = Project.objects.get(title__contains="TeleKOL")
    periods = PeriodData.objects.filter(project=telekol)
    assert periods.count() == 18 and all(p.is_demo and p.via == "demo" for p in periods)
    incidents = list(Incident.objects.filter(project=telekol))
    assert len(incidents) == 1
    incident = incidents[0]
    assert incident.metric == "sensitivity" and incident.decision == "recalibrate"
    assert incident.assessed_by.username == "aikompetence"
    assert incident.decided_by.username == "konsulent"
    alarms = Alarm.objects.filter(project=telekol)
    assert alarms.count() == 1, [(a.metric, a.period, a.rules) for a in alarms]
    state = load_state(telekol)
    assert state.is_demo and state.plan.is_demo
    assert not state.open_incidents


def test_ambient_scribe_hospitals_wave_has_a_plan(seeded):
    scribe = Project.objects.get(title__contains="Ambient Scribe")
    plan = MonitoringPlan.objects.get(project=scribe)
    assert plan.is_approved and plan.source == "scribe"
    assert "Hospitalsbølgen" in plan.agreed_actions
    assert {m.metric for m in plan.metrics.all()} >= {"pdqi9_mean", "omissions_per_note"}


def test_seeding_twice_changes_nothing(seeded):
    before = (PeriodData.objects.count(), Alarm.objects.count(), Incident.objects.count())
    call_command("seed_demo")
    assert (PeriodData.objects.count(), Alarm.objects.count(), Incident.objects.count()) == before
