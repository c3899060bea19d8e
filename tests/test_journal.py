"""The journal: every change recorded through one door, chained, refused by the database when
someone tries to edit it, and verified by `manage.py verify_journal`; approved stages frozen;
failed writes leave no entry; sign-offs are a second pair of eyes."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, connections, transaction

from procurement import append_only, journal, services
from procurement.guards import STAGE_APPROVED, STAGE_MOVED
from procurement.models import Action, Answer, HistoryEntry, Membership, SignOff
from procurement.services import OWN_ANSWER
from procurement.transitions import perform_transition
from tests.personas import (
    advance,
    answer,
    complete_legal,
    complete_need,
    move_to,
    pdf_upload,
)


def entries(team, action=None):
    qs = HistoryEntry.objects.filter(project=team.project)
    return qs.filter(action=action) if action else qs


# --- one door, with the old and the new value ----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_record_must_run_inside_the_changes_transaction(pathway):
    from tests.personas import make_team

    team = make_team(pathway)
    count = entries(team).count()
    with pytest.raises(RuntimeError):
        journal.record(project=team.project, action=Action.ANSWERED, by=team.clinician)
    assert entries(team).count() == count


def test_an_answer_keeps_its_old_value_in_the_journal(team):
    answer(team, "need.problem", "Lange ventetider.")
    answer(team, "need.problem", "Meget lange ventetider.", by=team.clinician)
    first, second = entries(team, Action.ANSWERED).order_by("seq")
    assert (first.before, first.after["value"]) == (None, "Lange ventetider.")
    assert second.before["value"] == "Lange ventetider."
    assert second.after["value"] == "Meget lange ventetider."
    assert (second.subject, second.stage_key, second.by) == ("need.problem", "need", team.clinician)


def test_saving_the_same_answer_again_records_nothing(team):
    answer(team, "need.problem", "Lange ventetider.")
    count = entries(team).count()
    answer(team, "need.problem", "Lange ventetider.")
    assert entries(team).count() == count


def test_evidence_signoff_and_team_changes_are_journalled(team):
    move_to(team, "legal")
    answer(team, "legal.dpia", by=team.clinician, upload=pdf_upload("dpia-v1.pdf"))
    services.sign_off(project=team.reload(), item=team.item("legal.dpia"), by=team.lawyer)
    upload = entries(team, Action.EVIDENCE_UPLOADED).get()
    assert upload.after["evidence"]["name"] == "dpia-v1.pdf"
    assert len(upload.after["evidence"]["sha256"]) == 64
    signed = entries(team, Action.SIGNED_OFF).get()
    assert (signed.by, signed.subject, signed.after["role"]) == (
        team.lawyer,
        "legal.dpia",
        "lawyer",
    )

    membership = services.add_member(
        project=team.reload(), by=team.clinician, user=team.outsider, role="lawyer"
    )
    services.remove_member(project=team.reload(), by=team.clinician, membership=membership)
    added, removed = entries(team).filter(subject=f"{team.outsider.username}/lawyer")
    assert (added.action, added.after["role"], added.before) == (
        Action.MEMBER_ADDED,
        "lawyer",
        None,
    )
    assert (removed.action, removed.before["user"], removed.after) == (
        Action.MEMBER_REMOVED,
        team.outsider.username,
        None,
    )


def test_transitions_are_journalled_with_their_stage(team):
    complete_need(team)
    advance(team)
    requested, approved = entries(team).filter(
        action__in=[Action.APPROVAL_REQUESTED, Action.APPROVED]
    )
    assert (requested.stage_key, approved.stage_key) == ("need", "need")
    assert (approved.from_state, approved.to_state) == ("need", "legal")


# --- chained and verified ------------------------------------------------------------------


def test_entries_are_numbered_and_chained(team):
    complete_need(team)
    advance(team)
    chain = list(entries(team).order_by("seq"))
    assert [e.seq for e in chain] == list(range(1, len(chain) + 1))
    assert chain[0].prev_hash == ""
    for before, after in zip(chain, chain[1:], strict=False):
        assert after.prev_hash == before.hash
    assert all(journal.entry_hash(e) == e.hash for e in chain)
    assert journal.verify_chain(team.project.pk) is None
    assert journal.chain_head(team.project) == journal.ChainHead(len(chain), chain[-1].hash)


def test_django_refuses_to_change_or_delete_an_entry(team):
    entry = entries(team).first()
    entry.comment = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_the_database_refuses_raw_update_and_delete(team):
    entry = entries(team).first()
    assert HistoryEntry._meta.db_table == "procurement_historyentry"
    for sql in (
        "UPDATE procurement_historyentry SET comment = 'x' WHERE id = %s",
        "DELETE FROM procurement_historyentry WHERE id = %s",
    ):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [entry.pk])
    assert HistoryEntry.objects.get(pk=entry.pk).comment == entry.comment
    with pytest.raises(IntegrityError), transaction.atomic():
        HistoryEntry.objects.filter(pk=entry.pk).update(comment="x")


def test_a_project_with_a_journal_cannot_be_deleted(team):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        team.project.delete()


def test_verify_journal_finds_an_entry_altered_behind_the_triggers_back(team, capsys):
    complete_need(team)
    call_command("verify_journal")
    assert "no break found" in capsys.readouterr().out
    victim = entries(team, Action.ANSWERED).get()
    append_only.drop(connection)
    try:
        HistoryEntry.objects.filter(pk=victim.pk).update(comment="edited afterwards")
    finally:
        append_only.install(connection)
    with pytest.raises(CommandError) as caught:
        call_command("verify_journal", project=team.project.pk)
    assert caught.value.returncode == 1
    err = capsys.readouterr().err
    assert f"entry #{victim.seq} (id {victim.pk})" in err
    assert "does not match its hash" in err


def test_verify_journal_finds_a_removed_entry(team, capsys):
    complete_need(team)
    victim = entries(team).order_by("seq")[2]
    append_only.drop(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM procurement_historyentry WHERE id = %s",
                [victim.pk],
            )
    finally:
        append_only.install(connection)
    with pytest.raises(CommandError):
        call_command("verify_journal")
    assert "missing entry" in capsys.readouterr().err


def test_verify_journal_refuses_an_unknown_project(db):
    with pytest.raises(CommandError) as caught:
        call_command("verify_journal", project=99999)
    assert caught.value.returncode == 2


@pytest.mark.django_db(transaction=True)
def test_eight_writers_at_once_give_one_unbroken_chain(pathway):
    from tests.personas import make_team

    team = make_team(pathway)
    item = team.item("need.problem")
    errors = []

    def write(worker: int) -> None:
        try:
            for round_ in range(5):
                for _attempt in range(50):
                    try:
                        services.save_answer(
                            project=team.project,
                            item=item,
                            by=team.clinician,
                            value=f"svar {worker}-{round_}",
                        )
                        break
                    except Exception as exc:  # a lost race on SQLite: try again
                        if "locked" not in str(exc):
                            raise
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert entries(team, Action.ANSWERED).count() == 40
    assert journal.verify_chain(team.project.pk) is None
    seqs = list(entries(team).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))


@pytest.mark.django_db(transaction=True)
def test_flush_lifts_the_trigger_only_while_it_runs(pathway):
    from tests.personas import make_team

    make_team(pathway)
    call_command("flush", interactive=False, verbosity=0)
    assert not HistoryEntry.objects.exists()
    from tests.personas import load_test_pathway

    team = make_team(load_test_pathway())
    with pytest.raises(IntegrityError), transaction.atomic():
        HistoryEntry.objects.filter(project=team.project).update(comment="x")


# --- approved stages are frozen; failed writes leave no trace ------------------------------


def test_answers_and_signoffs_of_an_approved_stage_are_refused(team):
    complete_need(team)
    advance(team)
    count = entries(team).count()
    with pytest.raises(ValidationError) as caught:
        answer(team, "need.problem", "Ændret bagefter.")
    assert caught.value.messages == [
        "Fasen er godkendt. Send projektet tilbage til fasen for at ændre den."
    ]
    assert Answer.objects.get(item=team.item("need.problem")).value == "Lange ventetider."
    assert entries(team).count() == count


def test_a_returned_stage_can_be_changed_again(team):
    complete_need(team)
    advance(team)
    perform_transition(
        project=team.reload(),
        action=Action.RETURNED,
        by=team.consultant,
        target="need",
        comment="Behovet er uklart",
    )
    answer(team, "need.problem", "Præciseret behov.")
    assert entries(team, Action.ANSWERED).last().after["value"] == "Præciseret behov."


def test_a_save_from_a_page_opened_before_the_stage_moved_is_refused(team):
    move_to(team, "legal")
    count = entries(team).count()
    with pytest.raises(ValidationError) as caught:
        services.save_answer(
            project=team.reload(),
            item=team.item("legal.personal_data"),
            by=team.lawyer,
            value="yes",
            seen_state="need",
        )
    assert caught.value.messages == [
        "Projektet er flyttet til en anden fase, siden du åbnede siden. Intet er gemt: "
        "genindlæs siden."
    ]
    assert not Answer.objects.filter(item=team.item("legal.personal_data")).exists()
    assert entries(team).count() == count


def test_a_refused_answer_or_signoff_writes_nothing(team):
    move_to(team, "legal")
    count = entries(team).count()
    with pytest.raises(PermissionDenied):
        answer(team, "legal.personal_data", "yes", by=team.procurement)
    with pytest.raises(ValidationError):
        services.sign_off(project=team.reload(), item=team.item("legal.dpia"), by=team.lawyer)
    assert entries(team).count() == count
    assert not SignOff.objects.exists()


# --- a sign-off is a second pair of eyes ---------------------------------------------------


def test_an_answer_written_by_the_signoff_role_is_signed_by_its_writer(team):
    move_to(team, "legal")
    answer(team, "legal.dpia", by=team.lawyer, upload=pdf_upload())
    signoff = SignOff.objects.get(item=team.item("legal.dpia"))
    assert (signoff.user, signoff.role, signoff.answer_revision) == (team.lawyer, "lawyer", 1)
    assert entries(team, Action.SIGNED_OFF).get().by == team.lawyer


def test_nobody_signs_their_own_answer_separately(team):
    move_to(team, "legal")
    answer(team, "legal.hosting", "eu_cloud", by=team.clinician)
    # The owner wrote it before holding the sign-off role; holding it now does not let them
    # confirm their own answer.
    Membership.objects.create(project=team.project, user=team.clinician, role="it_architect")
    count = entries(team).count()
    with pytest.raises(ValidationError) as caught:
        services.sign_off(project=team.reload(), item=team.item("legal.hosting"), by=team.clinician)
    assert caught.value.code == "own_answer"
    assert caught.value.messages == [
        "Du har selv skrevet svaret, så det tæller allerede som afkvitteret af dig. En "
        "afkvittering bekræfter en anden persons svar."
    ]
    assert not SignOff.objects.exists() and entries(team).count() == count
    # Another holder of the role confirms it.
    services.sign_off(project=team.reload(), item=team.item("legal.hosting"), by=team.it_architect)
    assert SignOff.objects.get().user == team.it_architect


def test_own_answer_message_is_a_constant():
    assert "another person's answer" in OWN_ANSWER
    assert "Send the project back" in STAGE_APPROVED
    assert "reload the page" in STAGE_MOVED


LEGAL_ANSWERS = {
    "legal.personal_data": {"value": "yes"},
    "legal.hosting": {"value": "eu_cloud"},
    "legal.decision_date": {"value": "2026-11-30"},
    "legal.link": {"value": "https://example.org/dpia"},
    "legal.dpia": {"upload": True},
}


@pytest.mark.parametrize("key", sorted(LEGAL_ANSWERS))
def test_every_answer_type_of_an_approved_stage_is_frozen(client, team, key):
    """Yes/no, choice, date, link and evidence items, on the web and through the service."""
    move_to(team, "legal")
    complete_legal(team)
    advance(team)
    assert team.reload().state == "monitoring"
    item = team.item(key)
    before = list(Answer.objects.filter(item=item).values_list("value", "revision"))
    count = entries(team).count()
    spec = LEGAL_ANSWERS[key]
    with pytest.raises(ValidationError) as caught:
        services.save_answer(
            project=team.reload(),
            item=item,
            by=team.clinician,
            value=spec.get("value", ""),
            upload=pdf_upload("ny.pdf") if spec.get("upload") else None,
        )
    assert caught.value.code == "stage_approved"
    client.force_login(team.clinician)
    data = {f"item{item.pk}-value": spec.get("value", ""), "seen_state": "monitoring"}
    if spec.get("upload"):
        data[f"item{item.pk}-value"] = pdf_upload("ny.pdf")
    response = client.post(
        f"/projects/{team.project.pk}/items/{item.pk}/answer/", data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert "Fasen er godkendt" in response.content.decode()
    assert list(Answer.objects.filter(item=item).values_list("value", "revision")) == before
    assert entries(team).count() == count
    signoff_response = client.post(
        f"/projects/{team.project.pk}/items/{item.pk}/signoff/", HTTP_HX_REQUEST="true"
    )
    assert signoff_response.status_code in (403, 422)
    assert entries(team).count() == count
