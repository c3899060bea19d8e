"""The market services: vendors, equal treatment in the dialogue, independent scores, consensus,
the ranking, minimum requirements, finishing and the tender stage's gate. Every refusal is
checked for what it did not write."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from market import services
from market.gate import EVALUATION_UNFINISHED, QUESTIONS_OPEN
from market.models import Consensus, DialogueEntry, Disclosure, Evaluation, Score, Vendor
from market.selectors import load_evaluation
from procurement import evidence_files
from procurement.gates import load_stage_status
from procurement.models import Action, HistoryEntry
from tests.market.conftest import (
    add_requirements,
    add_vendors,
    answer_procedure,
    check_minimums,
    evaluators,
    make_bidders,
    score_all,
    set_consensus_all,
    to_tender,
)
from tests.personas import advance

pytestmark = pytest.mark.django_db


def journal_count(team, action) -> int:
    return HistoryEntry.objects.filter(project=team.project, action=action).count()


def market_codes(team) -> list[str]:
    status = load_stage_status(team.reload())
    return [r.code for r in status.tool_reasons if r.code.startswith("market_")]


# --- vendors ---------------------------------------------------------------------------------


def test_add_vendor_checks_the_cvr_and_writes_nothing_when_it_fails(mteam):
    with pytest.raises(ValidationError):
        services.add_vendor(project=mteam.project, by=mteam.procurement, name="X", cvr="12345678")
    assert not Vendor.objects.exists()
    assert journal_count(mteam, Action.MARKET_VENDOR) == 0
    vendor = services.add_vendor(
        project=mteam.project, by=mteam.procurement, name="X", cvr="DK 29 19 09 09"
    )
    assert vendor.cvr == "29190909" and vendor.status == Vendor.Status.IDENTIFIED
    assert journal_count(mteam, Action.MARKET_VENDOR) == 1


def test_the_same_vendor_twice_is_refused(mteam):
    services.add_vendor(project=mteam.project, by=mteam.procurement, name="X", cvr="29190909")
    for name, cvr in (("x", ""), ("Y", "29190909")):
        with pytest.raises(ValidationError):
            services.add_vendor(project=mteam.project, by=mteam.procurement, name=name, cvr=cvr)
    assert Vendor.objects.count() == 1


@pytest.mark.parametrize("who", ["lawyer", "it_architect", "consultant", "outsider"])
def test_only_the_owner_and_procurement_edit_vendors(mteam, who):
    with pytest.raises(PermissionDenied):
        services.add_vendor(project=mteam.project, by=getattr(mteam, who), name="X")
    assert not Vendor.objects.exists()
    services.add_vendor(project=mteam.project, by=mteam.clinician, name="Owner's")


def test_excluding_needs_a_reason_and_the_winner_is_not_set_by_hand(mteam):
    vendor = services.add_vendor(project=mteam.project, by=mteam.procurement, name="X")
    with pytest.raises(ValidationError):
        services.update_vendor(vendor=vendor, by=mteam.procurement, name="X", status="excluded")
    with pytest.raises(ValidationError):
        services.update_vendor(vendor=vendor, by=mteam.procurement, name="X", status="winner")
    vendor.refresh_from_db()
    assert vendor.status == Vendor.Status.IDENTIFIED
    services.update_vendor(
        vendor=vendor,
        by=mteam.procurement,
        name="X",
        status="excluded",
        exclusion_reason="Ikke CE-mærket.",
    )
    vendor.refresh_from_db()
    assert vendor.status == "excluded" and vendor.exclusion_reason == "Ikke CE-mærket."


def test_add_product_with_class_and_notified_body(mteam):
    vendor = services.add_vendor(project=mteam.project, by=mteam.procurement, name="X")
    product = services.add_product(
        vendor=vendor,
        by=mteam.procurement,
        name="Scribe",
        ce_marked=True,
        device_class="IIa",
        notified_body="BSI (2797)",
    )
    assert product.get_device_class_display() == "class IIa"
    with pytest.raises(ValidationError):
        services.add_product(
            vendor=vendor, by=mteam.procurement, name="Y", ce_marked=True, device_class="IV"
        )


# --- the dialogue and equal treatment -------------------------------------------------------


def test_an_answered_question_is_published_to_every_vendor_in_dialogue(mteam):
    alfa, beta, gamma = add_vendors(mteam)
    services.update_vendor(vendor=gamma, by=mteam.procurement, name=gamma.name, status="identified")
    question = services.record_dialogue(
        project=mteam.reload(),
        by=mteam.procurement,
        kind="question",
        vendor=alfa,
        occurred_on=date(2026, 11, 3),
        title="Hosting",
        text="Må løsningen køre i en EU-sky?",
    )
    assert not question.disclosures.exists()
    assert market_codes(mteam) == [QUESTIONS_OPEN]
    services.answer_question(entry=question, by=mteam.procurement, answer="Ja, inden for EU.")
    question.refresh_from_db()
    assert question.published_at is not None
    given = {d.vendor.name: d.disclosed_at for d in question.disclosures.all()}
    assert set(given) == {"Alfa Medical ApS", "Beta Health A/S"}  # Gamma is not in dialogue
    assert market_codes(mteam) == []
    # Gamma enters the dialogue later and is given the answer then.
    services.update_vendor(
        vendor=gamma, by=mteam.procurement, name=gamma.name, status="in_dialogue"
    )
    assert Disclosure.objects.filter(entry=question, vendor=gamma).exists()
    with pytest.raises(ValidationError):
        services.answer_question(entry=question, by=mteam.procurement, answer="Igen")


def test_information_goes_to_everyone_and_a_meeting_needs_a_vendor_in_dialogue(mteam):
    alfa, beta, gamma = add_vendors(mteam)
    info = services.record_dialogue(
        project=mteam.reload(),
        by=mteam.procurement,
        kind="information",
        vendor=alfa,  # ignored: information is for everyone
        occurred_on=date(2026, 11, 4),
        title="Tidsplan",
        text="Udbuddet forventes i marts.",
    )
    assert info.vendor is None and info.disclosures.count() == 3
    outsider = services.add_vendor(project=mteam.project, by=mteam.procurement, name="Delta")
    with pytest.raises(ValidationError):
        services.record_dialogue(
            project=mteam.reload(),
            by=mteam.procurement,
            kind="meeting",
            vendor=outsider,
            occurred_on=date(2026, 11, 4),
            title="Møde",
            text="Demo.",
        )
    assert DialogueEntry.objects.count() == 1


def test_a_dialogue_file_that_is_refused_writes_no_entry(mteam, evidence_root):
    from django.core.files.uploadedfile import SimpleUploadedFile

    (alfa, *_rest) = add_vendors(mteam)
    bad = SimpleUploadedFile("referat.pdf", b"<html>not a pdf</html>", "application/pdf")
    with pytest.raises(ValidationError):
        services.record_dialogue(
            project=mteam.reload(),
            by=mteam.procurement,
            kind="meeting",
            vendor=alfa,
            occurred_on=date(2026, 11, 4),
            title="Møde",
            text="Demo.",
            uploads=[bad],
        )
    assert not DialogueEntry.objects.exists()
    assert journal_count(mteam, Action.MARKET_DIALOGUE) == 0
    assert not any(evidence_root.rglob("*")) or not [
        p for p in evidence_root.rglob("*") if p.is_file()
    ]


@pytest.mark.django_db(transaction=True)
def test_a_dialogue_file_is_kept_by_the_orphan_cleaner(mteam, evidence_root):
    """A stored meeting minute is a file a row points to: `clean_orphans --delete` keeps it."""
    from django.core.management import call_command

    from tests.personas import PDF

    (alfa, *_rest) = add_vendors(mteam)
    minutes = SimpleUploadedFile("referat.pdf", PDF, "application/pdf")
    entry = services.record_dialogue(
        project=mteam.reload(),
        by=mteam.procurement,
        kind="meeting",
        vendor=alfa,
        occurred_on=date(2026, 11, 4),
        title="Møde",
        text="Demo.",
        uploads=[minutes],
    )
    stored = entry.files.get()
    call_command("clean_orphans", "--delete", "--min-age-minutes", "0", stdout=io.StringIO())
    assert evidence_files.open_stored(mteam.project.pk, stored.stored_name).read() == PDF


# --- the evaluation -------------------------------------------------------------------------


@pytest.fixture
def tender(mteam):
    """Three bidders, three evaluators, the requirements list; in the tender stage."""
    requirements = add_requirements(mteam)
    vendors = add_vendors(mteam)
    to_tender(mteam)
    vendors = make_bidders(mteam, vendors)
    people = evaluators(mteam)
    return mteam, requirements, vendors, people


def test_an_evaluator_sees_only_their_own_scores_until_everyone_has_scored(tender):
    team, requirements, vendors, people = tender
    first, second, third = people
    score_all(team, vendors, requirements, [first, second])
    state = load_evaluation(team.reload())
    assert not state.all_scored
    assert {s.evaluator_id for s in state.visible_scores(first)} == {first.pk}
    assert {s.evaluator_id for s in state.visible_scores(second)} == {second.pk}
    assert state.visible_scores(third) == []
    assert state.visible_scores(team.admin) == []
    assert state.visible_scores(None) == []
    assert state.missing_for(third.pk) == 9
    score_all(team, vendors, requirements, [third])
    state = load_evaluation(team.reload())
    assert state.all_scored and len(state.visible_scores(first)) == 27


def test_scores_are_refused_from_non_evaluators_off_the_scale_without_justification(tender):
    team, requirements, vendors, people = tender
    cases = [
        (team.lawyer, Decimal(5), "ok", PermissionDenied),
        (team.consultant, Decimal(5), "ok", PermissionDenied),
        (team.procurement, Decimal(11), "ok", ValidationError),
        (team.procurement, Decimal(-1), "ok", ValidationError),
        (team.procurement, Decimal(5), "  ", ValidationError),
    ]
    for by, value, justification, error in cases:
        with pytest.raises(error):
            services.save_score(
                vendor=vendors[0],
                requirement=requirements["price"],
                by=by,
                value=value,
                justification=justification,
            )
    with pytest.raises(ValidationError):  # a minimum requirement is not scored
        services.save_score(
            vendor=vendors[0],
            requirement=requirements["min_ce"],
            by=team.procurement,
            value=Decimal(5),
            justification="ok",
        )
    assert not Score.objects.exists()
    assert journal_count(team, Action.MARKET_SCORE) == 0


def test_a_vendor_that_is_not_a_bidder_is_not_scored(tender):
    team, requirements, vendors, people = tender
    services.update_vendor(
        vendor=vendors[2],
        by=team.procurement,
        name=vendors[2].name,
        cvr=vendors[2].cvr,
        status="excluded",
        exclusion_reason="Trak sig.",
    )
    with pytest.raises(ValidationError):
        services.save_score(
            vendor=vendors[2],
            requirement=requirements["price"],
            by=team.procurement,
            value=Decimal(5),
            justification="ok",
        )


def test_the_journal_does_not_reveal_the_score(tender):
    team, requirements, vendors, people = tender
    services.save_score(
        vendor=vendors[0],
        requirement=requirements["price"],
        by=people[0],
        value=Decimal("7.5"),
        justification="Hemmelig begrundelse",
    )
    entry = HistoryEntry.objects.get(project=team.project, action=Action.MARKET_SCORE)
    assert "7.5" not in str(entry.after) and "Hemmelig" not in str(entry.after)


def test_consensus_only_after_everyone_scored_then_scores_are_locked(tender):
    team, requirements, vendors, people = tender
    score_all(team, vendors, requirements, people[:2])
    with pytest.raises(ValidationError) as caught:
        services.set_consensus(
            vendor=vendors[0],
            requirement=requirements["price"],
            by=team.procurement,
            value=Decimal(8),
            reason="x",
        )
    assert caught.value.code == "not_revealed"
    score_all(team, vendors, requirements, people[2:])
    with pytest.raises(ValidationError) as caught:
        services.save_score(
            vendor=vendors[0],
            requirement=requirements["price"],
            by=people[0],
            value=Decimal(1),
            justification="changed my mind",
        )
    assert caught.value.code == "revealed"
    with pytest.raises(PermissionDenied):  # the consensus is the procurement consultant's
        services.set_consensus(
            vendor=vendors[0],
            requirement=requirements["price"],
            by=team.clinician,
            value=Decimal(8),
            reason="x",
        )
    with pytest.raises(ValidationError):
        services.set_consensus(
            vendor=vendors[0],
            requirement=requirements["price"],
            by=team.procurement,
            value=Decimal(8),
            reason=" ",
        )
    assert not Consensus.objects.exists()
    set_consensus_all(team, vendors, requirements)
    assert Consensus.objects.count() == 9


def test_ranking_minimum_exclusion_finishing_and_the_gate(tender):
    team, requirements, vendors, people = tender
    answer_procedure(team, "eu_tender")
    codes = [r.code for r in load_stage_status(team.reload()).tool_reasons]
    assert codes == [EVALUATION_UNFINISHED]
    score_all(team, vendors, requirements, people)
    set_consensus_all(team, vendors, requirements)
    with pytest.raises(ValidationError) as caught:
        services.finish_evaluation(project=team.reload(), by=team.procurement)
    assert caught.value.code == "incomplete"  # the minimum requirements are not checked
    # Beta has the best total (75) but does not keep its data in the EU: out.
    check_minimums(team, vendors, requirements, failing={("Beta Health A/S", "min_gdpr")})
    state = load_evaluation(team.reload())
    ranking = [(r.bidder.name, r.rank, r.total) for r in state.ranking()]
    assert ranking == [
        ("Alfa Medical ApS", 1, 68),
        ("Gamma AI", 2, 63),
        ("Beta Health A/S", None, None),
    ]
    with pytest.raises(PermissionDenied):
        services.finish_evaluation(project=team.reload(), by=team.clinician)
    evaluation = services.finish_evaluation(project=team.reload(), by=team.procurement)
    assert evaluation.ranking[0]["vendor"] == "Alfa Medical ApS"
    assert Vendor.objects.get(name="Alfa Medical ApS").status == Vendor.Status.WINNER
    assert not load_stage_status(team.reload()).tool_reasons
    # finished: frozen
    with pytest.raises(ValidationError):
        services.set_consensus(
            vendor=vendors[0],
            requirement=requirements["price"],
            by=team.procurement,
            value=Decimal(1),
            reason="x",
        )
    with pytest.raises(ValidationError):
        services.update_vendor(
            vendor=vendors[2],
            by=team.procurement,
            name=vendors[2].name,
            status="excluded",
            exclusion_reason="x",
        )


def test_a_tie_at_the_top_cannot_be_finished(tender):
    team, requirements, vendors, people = tender
    tie = {
        "Alfa Medical ApS": {"price": 6, "quality": 9, "support": 9},
        "Beta Health A/S": {"price": 6, "quality": 9, "support": 9},
        "Gamma AI": {"price": 1, "quality": 1, "support": 1},
    }
    score_all(team, vendors, requirements, people, tie)
    set_consensus_all(team, vendors, requirements, tie)
    check_minimums(team, vendors, requirements)
    with pytest.raises(ValidationError) as caught:
        services.finish_evaluation(project=team.reload(), by=team.procurement)
    assert caught.value.code == "tied"
    assert not Evaluation.objects.exists()


def test_no_competition_no_evaluation_needed(mteam):
    add_requirements(mteam)
    (alfa, *_rest) = add_vendors(mteam)
    to_tender(mteam)
    answer_procedure(mteam, "negotiated_without_notice")
    make_bidders(mteam, [alfa])
    assert not load_stage_status(mteam.reload()).tool_reasons
    # a second bidder makes it a competition
    beta = Vendor.objects.get(name="Beta Health A/S")
    make_bidders(mteam, [beta])
    codes = [r.code for r in load_stage_status(mteam.reload()).tool_reasons]
    assert codes == [EVALUATION_UNFINISHED]


def test_evaluators_need_an_evaluating_role(tender):
    team, requirements, vendors, people = tender
    with pytest.raises(ValidationError):
        services.assign_evaluator(project=team.reload(), by=team.procurement, user=team.lawyer)
    with pytest.raises(ValidationError):
        services.assign_evaluator(project=team.reload(), by=team.procurement, user=team.outsider)
    with pytest.raises(PermissionDenied):
        services.assign_evaluator(project=team.reload(), by=team.clinician, user=team.ai_competence)


def test_scale_changes_until_the_first_score(tender):
    team, requirements, vendors, people = tender
    services.set_scale(requirement=requirements["price"], by=team.procurement, low=1, high=5)
    with pytest.raises(ValidationError):
        services.save_score(
            vendor=vendors[0],
            requirement=requirements["price"],
            by=people[0],
            value=Decimal(6),
            justification="x",
        )
    services.save_score(
        vendor=vendors[0],
        requirement=requirements["price"],
        by=people[0],
        value=Decimal(5),
        justification="x",
    )
    with pytest.raises(ValidationError):
        services.set_scale(requirement=requirements["price"], by=team.procurement, low=0, high=10)


def test_the_evaluation_is_frozen_once_the_tender_stage_is_approved(tender):
    team, requirements, vendors, people = tender
    answer_procedure(team, "negotiated_without_notice")
    for v in vendors[1:]:
        services.update_vendor(
            vendor=v,
            by=team.procurement,
            name=v.name,
            cvr=v.cvr,
            status="excluded",
            exclusion_reason="Intet tilbud.",
        )
    advance(team)
    assert team.reload().current_stage.key == "monitoring"
    with pytest.raises(ValidationError) as caught:
        services.save_score(
            vendor=vendors[0],
            requirement=requirements["price"],
            by=people[0],
            value=Decimal(5),
            justification="x",
        )
    assert caught.value.code == "stage_approved"
    assert not Score.objects.exists()


def test_no_bidder_joins_and_no_evaluator_is_added_once_it_would_hide_revealed_scores(tender):
    team, requirements, vendors, people = tender
    late = services.add_vendor(project=team.reload(), by=team.procurement, name="Delta")
    services.save_score(
        vendor=vendors[0],
        requirement=requirements["price"],
        by=people[0],
        value=Decimal(5),
        justification="x",
    )
    with pytest.raises(ValidationError) as caught:
        services.update_vendor(vendor=late, by=team.procurement, name="Delta", status="bidder")
    assert caught.value.code == "bidders_fixed"
    assert Vendor.objects.get(pk=late.pk).status == Vendor.Status.IDENTIFIED
    Score.objects.all().delete()
    score_all(team, vendors, requirements, people)
    with pytest.raises(ValidationError) as caught:
        services.assign_evaluator(
            project=team.reload(), by=team.procurement, user=team.ai_competence
        )
    assert caught.value.code == "evaluators_fixed"
    assert load_evaluation(team.reload()).all_scored


def test_the_winners_details_can_change_after_the_evaluation(tender):
    team, requirements, vendors, people = tender
    score_all(team, vendors, requirements, people)
    set_consensus_all(team, vendors, requirements)
    check_minimums(team, vendors, requirements)
    services.finish_evaluation(project=team.reload(), by=team.procurement)
    winner = Vendor.objects.get(status="winner")
    services.update_vendor(
        vendor=winner,
        by=team.procurement,
        name=winner.name,
        cvr=winner.cvr,
        contact="ny@example.org",
        status="bidder",  # what the form shows for a winner
    )
    winner.refresh_from_db()
    assert winner.status == "winner" and winner.contact == "ny@example.org"
