"""The demo data: the seed's four cases, created through the real services, idempotently."""

import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import Organisation, OrganisationRole, User
from accounts.organisations import in_same_region
from checklists.loading import load_pathways
from procurement.gates import blocking_reasons, load_stage_status
from procurement.models import Action, HistoryEntry, Project
from procurement.permissions import roles_of, visible_projects
from tests.module_data import module_data

EXPECTED_STAGES = {
    "Ambient Scribe": "prospective_validation",
    "PEACE": "legal",
    "IPM": "requirements",
    "TeleKOL": "monitoring",
}


EVIDENCE = Path(tempfile.mkdtemp(prefix="demo-evidence-"))


def seed_without_debug():
    """The seed as `--force` runs it with DEBUG off (test_idempotent runs it again with DEBUG on,
    the way `make run` does)."""
    load_pathways()
    call_command("seed_demo", "--force")


seeded_once = module_data(seed_without_debug, DEBUG=False, EVIDENCE_ROOT=EVIDENCE)


@pytest.fixture(autouse=True)
def evidence_root(settings):
    """The demo's evidence files stay where the seed put them."""
    settings.EVIDENCE_ROOT = EVIDENCE
    return EVIDENCE


@pytest.fixture
def seeded(db, seeded_once):
    """The demo, seeded once for this module."""


def test_users_and_cases(seeded):
    names = set(User.objects.values_list("username", flat=True))
    assert {
        "kliniker",
        "konsulent",
        "jurist",
        "itarkitekt",
        "indkoeb",
        "aikompetence",
        "admin",
    } <= names
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="indkoeb").check_password("demo")
    projects = list(Project.objects.filter(owner__username="kliniker"))
    assert len(projects) == 4
    for fragment, stage in EXPECTED_STAGES.items():
        project = next(p for p in projects if fragment in p.title)
        assert project.state == stage
        assert project.owner.username == "kliniker"
        assert in_same_region(
            Organisation.objects.get(name="Region Syddanmark"), project.organisation
        )


def test_the_demo_tree_has_two_regions_and_each_sees_only_its_own(seeded):
    """Issue 16's demo: Region Syddanmark with OUH and SLB, Region Midtjylland with one project,
    an organisation-wide consultant per region and a content editor."""
    syd = Organisation.objects.get(name="Region Syddanmark")
    midt = Organisation.objects.get(name="Region Midtjylland")
    assert syd.parent == midt.parent == Organisation.objects.get(kind="nation")
    hospitals = set(syd.children.values_list("name", flat=True))
    assert {"OUH Odense Universitetshospital", "SLB Sygehus Lillebælt"} <= hospitals
    peace = Project.objects.get(title__startswith="PEACE")
    assert peace.organisation.name == "Gynækologisk-obstetrisk afdeling"
    assert peace.organisation.parent.name == "OUH Odense Universitetshospital"
    midt_projects = Project.objects.filter(organisation__path__startswith=midt.path)
    assert midt_projects.count() == 1
    regional = User.objects.get(username="regionskonsulent")
    seen = set(visible_projects(regional).values_list("pk", flat=True))
    assert seen == set(
        Project.objects.filter(owner__username="kliniker").values_list("pk", flat=True)
    )
    assert "innovation_consultant" in roles_of(peace, regional)
    other = User.objects.get(username="midtkonsulent")
    assert set(visible_projects(other)) == set(midt_projects)
    assert roles_of(peace, other) == set()
    assert OrganisationRole.objects.filter(
        user__username="redaktoer", role="content_editor", organisation=syd
    ).exists()


def test_history_is_real(seeded):
    telekol = Project.objects.get(title__contains="TeleKOL")
    approvals = HistoryEntry.objects.filter(project=telekol, action=Action.APPROVED)
    assert approvals.count() == 13  # every stage before monitoring was approved
    assert {entry.by.username for entry in approvals} == {"konsulent"}


def test_the_demo_journals_verify(seeded, capsys):
    from django.core.management import call_command

    call_command("verify_journal")
    assert "5 journals verified" in capsys.readouterr().out
    kinds = set(HistoryEntry.objects.values_list("action", flat=True))
    assert {Action.ANSWERED, Action.SIGNED_OFF, Action.MEMBER_ADDED, Action.APPROVED} <= kinds


def test_cases_have_answers_in_current_stage_and_gates_partly_open(seeded):
    ambient = Project.objects.get(title__contains="Ambient Scribe")
    status = load_stage_status(ambient)
    assert status.answered_count > 0
    reasons = blocking_reasons(project=ambient, action=Action.APPROVAL_REQUESTED, status=status)
    assert reasons, "the demo should show what is still missing"


def test_idempotent(seeded, settings):
    settings.DEBUG = True
    counts = (User.objects.count(), Project.objects.count(), HistoryEntry.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Project.objects.count(), HistoryEntry.objects.count()) == counts


def test_force_runs_without_debug(seeded):
    """The module's seed ran with DEBUG off and --force."""
    assert Project.objects.count() == 5


def test_demo_says_what_the_law_says_today(seeded):
    """The demo projects are on the newest pathway versions and their answers name the bodies
    and provisions of December 2026 (issue 20)."""
    from checklists.models import Pathway
    from procurement.models import Answer

    for project in Project.objects.select_related("pathway"):
        assert project.pathway == Pathway.latest(project.pathway.slug)
    telekol = Project.objects.get(title__contains="TeleKOL")

    def value(key):
        answer = Answer.objects.get(project=telekol, item__key=key)
        return answer.value + answer.justification

    assert "komitélovens § 14, stk. 2" in value("approvals.ethics_committee")
    assert "regionsrådet" in value("approvals.ethics_committee")
    assert "sundhedslovens § 46, stk. 2" in value("legal.national_legal_basis")
    assert "databeskyttelseslovens § 7, stk. 3" in value("legal.national_legal_basis")
    assert "2. august 2028" in value("legal.classification_confirmed")
    assert value("legal.evaluation_or_scoring") == "yes"
    ambient = Project.objects.get(title__contains="Ambient Scribe")
    basis = Answer.objects.get(project=ambient, item__key="legal.national_legal_basis").value
    assert "autorisationslovens § 21" in basis
    assert "sundhedslovens regler om journalføring" not in basis


def test_the_dossier_summary_says_where_the_data_are(seeded):
    from django.utils import timezone

    from dossier.content import build_dossier

    project = Project.objects.get(title__startswith="Test og evaluering af Ambient Scribe")
    data = build_dossier(project, number=1, generated_at=timezone.now(), generated_by=None).data
    rows = {row["key"]: row["answer"] for row in data["summary"]["data_protection"]}
    assert set(rows) == {
        "agreement.hosting",
        "legal.data_locations",
        "legal.third_country_access",
        "legal.third_country_law",
    }, "the transfer basis is asked only when data leave the EU/EEA"
    assert "Sweden Central" in rows["legal.data_locations"]
    assert "CLOUD Act" in rows["legal.third_country_law"]
