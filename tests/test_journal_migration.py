"""Migration 0005 seals a history written before the journal existed: numbered in the order it
was written, chained, verified, and protected by the trigger from then on."""

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("procurement", "0004_validation_override_in_history")]
AFTER = [("procurement", "0005_journal")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_existing_history_is_numbered_chained_and_then_protected(pathway):
    from tests.personas import make_team

    team = make_team(pathway)
    project_id = team.project.pk
    call_command("flush", interactive=False, verbosity=0)
    try:
        apps = migrate(BEFORE)
        User = apps.get_model("accounts", "User")
        Organisation = apps.get_model("accounts", "Organisation")
        Pathway = apps.get_model("checklists", "Pathway")
        Project = apps.get_model("procurement", "Project")
        HistoryEntry = apps.get_model("procurement", "HistoryEntry")
        from tests.personas import load_test_pathway

        load_test_pathway()
        org = Organisation.objects.create(name="Region Gammel")
        owner = User.objects.create(username="gammel", organisation=org)
        project = Project.objects.create(
            organisation=org,
            pathway=Pathway.objects.first(),
            title="Fra før journalen",
            clinical_need="x",
            department="y",
            owner=owner,
            state="need",
        )
        for action in ("created", "approval_requested", "approve"):
            HistoryEntry.objects.create(project=project, action=action, by=owner, comment=action)
        project_id = project.pk

        migrate(AFTER)
        call_command("migrate", verbosity=0)
        from procurement.journal import verify_chain
        from procurement.models import HistoryEntry as Entry

        entries = list(Entry.objects.filter(project_id=project_id).order_by("seq"))
        assert [(e.seq, e.action) for e in entries] == [
            (1, "created"),
            (2, "approval_requested"),
            (3, "approve"),
        ]
        assert entries[0].prev_hash == "" and entries[1].prev_hash == entries[0].hash
        assert verify_chain(project_id) is None
        with pytest.raises(IntegrityError), transaction.atomic():
            Entry.objects.filter(project_id=project_id).update(at=timezone.now())
    finally:
        call_command("migrate", verbosity=0)
