"""Writes for the market dialogue and the evaluation of offers.

Every service opens one transaction, locks the project row (`procurement.guards.lock_project`),
checks the person's right *after* the lock (403 as PermissionDenied), refuses a frozen stage
(`require_tool_open`: once every stage holding the tool is approved, its data are read-only) and
records one journal entry in the same transaction. A refused call writes nothing.

Who may do what:
- vendors, products, the dialogue log, questionnaire imports and model cards: the project owner
  and the procurement consultant(s) (`permissions.EDITOR_ROLES`);
- the evaluation's set-up (evaluators, scales, minimum requirement checks), the consensus and
  finishing it: the procurement consultant;
- a score: the evaluator it belongs to, who must be assigned and still hold an evaluating role.

Equal treatment: a question's answer, and information for everyone, is disclosed to every
vendor in dialogue at the moment it is published; a vendor that enters the dialogue later gets
everything published before, at the moment it enters. `Disclosure` rows record both.

Independent scores: until every evaluator has scored everything, nobody sees another's score
(selectors); once they have, the scores are revealed and can no longer change, so nobody adjusts
a score after seeing the others'. The journal records that a score was saved, not its value,
because the history page is open to the whole team.
"""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dossier.models import Requirement
from procurement import evidence_files, journal
from procurement.guards import lock_project, require_tool_open
from procurement.models import Action, Project
from procurement.permissions import roles_of

from . import scoring
from .cvr import validate_cvr
from .models import (
    BIDDER_STATUSES,
    Consensus,
    CriterionScale,
    DialogueEntry,
    DialogueFile,
    Disclosure,
    Evaluation,
    Evaluator,
    MinimumCheck,
    Product,
    Score,
    Vendor,
)
from .permissions import EVALUATING_ROLES, can_edit_market, can_run_evaluation, can_score
from .selectors import load_evaluation

DIALOGUE_TOOL = "market_dialogue"
EVALUATION_TOOL = "offer_evaluation"

# Messages kept as constants so tests can assert them.
EVALUATION_FINISHED = gettext_noop("The evaluation is finished: its scores can no longer change.")
SCORES_REVEALED = gettext_noop(
    "Every evaluator has scored and the scores are revealed: they can no longer be changed. "
    "The procurement consultant now sets the consensus."
)
NOT_REVEALED = gettext_noop(
    "The consensus can be set once every evaluator has scored every bidder on every criterion."
)
NOT_EVALUATOR = gettext_noop("Only the evaluators the procurement consultant assigned can score.")
NOT_A_BIDDER = gettext_noop("Only bidders' offers are scored.")
NOT_AWARD = gettext_noop("Choose one of the project's award criteria.")
NOT_MINIMUM = gettext_noop("Choose one of the project's minimum requirements.")
OUT_OF_SCALE = gettext_noop("The score must be between %(low)s and %(high)s.")
JUSTIFY = gettext_noop("Give a written justification.")
SCALE_IN_USE = gettext_noop("The scale can't change once a score has been given on it.")
NO_EVALUATING_ROLE = gettext_noop(
    "An evaluator must be a member of the team with the role clinician, procurement consultant, "
    "IT architect or AI competence unit."
)
EVALUATOR_HAS_SCORED = gettext_noop("The evaluator has scored already and can't be removed.")
INCOMPLETE = gettext_noop(
    "The evaluation can be finished when every bidder has a consensus score on every award "
    "criterion and a check of every minimum requirement."
)
TIED = gettext_noop("The ranking is tied at the top: settle the consensus scores before finishing.")
NO_BIDDERS = gettext_noop("There are no bidders to evaluate.")
EXCLUSION_REASON = gettext_noop("Give the reason for excluding the vendor.")
WINNER_BY_EVALUATION = gettext_noop(
    "A vendor becomes the winner when the evaluation is finished, not by hand."
)
STATUS_FROZEN = gettext_noop("The evaluation is finished: the bidders' status can't change.")
DUPLICATE_VENDOR = gettext_noop("The project already has a vendor with this name or CVR number.")
QUESTION_ANSWERED = gettext_noop("The question has been answered and published already.")
BIDDERS_FIXED = gettext_noop("Scoring has started: no new bidder can join the evaluation.")
EVALUATORS_FIXED = gettext_noop(
    "Every evaluator has scored and the scores are revealed: no evaluator can be added now."
)
NOT_IN_DIALOGUE = gettext_noop("Only a vendor in the dialogue can ask a question or meet with you.")


def lock_market(project: Project, by, allowed, tools: tuple[str, ...], seen_state=None) -> Project:
    """The locked project, once `allowed(locked, by)` holds and one of `tools` is still open."""
    with_lock = lock_project(project)
    problem = None
    for tool in tools:
        try:
            require_tool_open(with_lock, tool, seen_state=seen_state)
            problem = None
            break
        except ValidationError as exc:
            problem = problem or exc
    if problem is not None:
        raise problem
    if not allowed(with_lock, by):
        raise PermissionDenied
    return with_lock


def record_market(
    project: Project, action: str, by, tool: str, *, subject="", before=None, after=None
):
    stage = project.tool_stage(tool)
    journal.record(
        project=project,
        action=action,
        by=by,
        subject=subject,
        stage_key=stage.key if stage is not None else None,
        before=before,
        after=after,
    )


def _finished(project: Project) -> bool:
    return Evaluation.objects.filter(project=project).exists()


# --- vendors and products -------------------------------------------------------------------


def vendor_data(vendor: Vendor) -> dict:
    return {
        "name": vendor.name,
        "cvr": vendor.cvr,
        "contact": vendor.contact,
        "status": vendor.status,
        "exclusion_reason": vendor.exclusion_reason,
    }


def _check_unique(project: Project, name: str, cvr: str, exclude: int | None = None) -> None:
    others = Vendor.objects.filter(project=project).exclude(pk=exclude)
    if others.filter(name__iexact=name).exists() or (cvr and others.filter(cvr=cvr).exists()):
        raise ValidationError(_(DUPLICATE_VENDOR), code="duplicate")


def add_vendor(*, project: Project, by, name: str, cvr: str = "", contact: str = "") -> Vendor:
    """A vendor found in the market scan (status: identified). The CVR number, when given, must
    pass the modulus-11 check."""
    cvr = validate_cvr(cvr) if cvr.strip() else ""
    name = name.strip()
    with transaction.atomic():
        locked = lock_market(project, by, can_edit_market, (DIALOGUE_TOOL, EVALUATION_TOOL))
        _check_unique(locked, name, cvr)
        vendor = Vendor.objects.create(
            project=locked, name=name, cvr=cvr, contact=contact.strip(), created_by=by
        )
        record_market(
            locked, Action.MARKET_VENDOR, by, DIALOGUE_TOOL, subject=name, after=vendor_data(vendor)
        )
        return vendor


def update_vendor(
    *,
    vendor: Vendor,
    by,
    name: str,
    cvr: str = "",
    contact: str = "",
    status: str,
    exclusion_reason: str = "",
) -> Vendor:
    """Change a vendor's details or status. Excluding needs a reason; the winner is set by
    finishing the evaluation; once it is finished, a bidder's status stays. A vendor entering
    the dialogue is given everything published so far (recorded as disclosures)."""
    cvr = validate_cvr(cvr) if cvr.strip() else ""
    if status not in Vendor.Status.values or status == Vendor.Status.WINNER:
        raise ValidationError(_(WINNER_BY_EVALUATION), code="winner")
    reason = exclusion_reason.strip() if status == Vendor.Status.EXCLUDED else ""
    if status == Vendor.Status.EXCLUDED and not reason:
        raise ValidationError(_(EXCLUSION_REASON), code="reason")
    with transaction.atomic():
        locked = lock_market(vendor.project, by, can_edit_market, (DIALOGUE_TOOL, EVALUATION_TOOL))
        current = Vendor.objects.select_for_update().get(pk=vendor.pk, project=locked)
        before = vendor_data(current)
        if current.status == Vendor.Status.WINNER and status == Vendor.Status.BIDDER:
            status = Vendor.Status.WINNER  # the form shows a winner as a bidder
        if current.status != status and _finished(locked):
            if current.status in BIDDER_STATUSES or status in BIDDER_STATUSES:
                raise ValidationError(_(STATUS_FROZEN), code="frozen")
        joining = status in BIDDER_STATUSES and current.status not in BIDDER_STATUSES
        # A bidder joining after the first score would hide the revealed scores again and let
        # them change: the set of bidders is fixed once scoring has started.
        if joining and Score.objects.filter(vendor__project=locked).exists():
            raise ValidationError(_(BIDDERS_FIXED), code="bidders_fixed")
        _check_unique(locked, name.strip(), cvr, exclude=current.pk)
        entering = status == Vendor.Status.IN_DIALOGUE and current.status != status
        current.name, current.cvr, current.contact = name.strip(), cvr, contact.strip()
        current.status, current.exclusion_reason = status, reason
        after = vendor_data(current)
        if after == before:
            return current
        current.save()
        if entering:
            _disclose_published(locked, current)
        record_market(
            locked,
            Action.MARKET_VENDOR,
            by,
            DIALOGUE_TOOL,
            subject=current.name,
            before=before,
            after=after,
        )
        return current


def add_product(
    *,
    vendor: Vendor,
    by,
    name: str,
    ce_marked: bool,
    device_class: str = "",
    notified_body: str = "",
) -> Product:
    if device_class and device_class not in Product.DeviceClass.values:
        raise ValidationError(_("Unknown MDR class."))
    with transaction.atomic():
        locked = lock_market(vendor.project, by, can_edit_market, (DIALOGUE_TOOL, EVALUATION_TOOL))
        owner = Vendor.objects.get(pk=vendor.pk, project=locked)
        if owner.products.filter(name__iexact=name.strip()).exists():
            raise ValidationError(_("The vendor already has a product with this name."))
        product = Product.objects.create(
            vendor=owner,
            name=name.strip(),
            ce_marked=ce_marked,
            device_class=device_class,
            notified_body=notified_body.strip(),
        )
        record_market(
            locked,
            Action.MARKET_VENDOR,
            by,
            DIALOGUE_TOOL,
            subject=f"{owner.name}: {product.name}",
            after={
                "product": product.name,
                "ce_marked": ce_marked,
                "device_class": device_class,
                "notified_body": product.notified_body,
            },
        )
        return product


# --- the dialogue log -------------------------------------------------------------------------


def _in_dialogue(project: Project) -> list[Vendor]:
    return list(Vendor.objects.filter(project=project, status=Vendor.Status.IN_DIALOGUE))


def _disclose(entry: DialogueEntry, vendors: list[Vendor], at) -> list[str]:
    given = set(entry.disclosures.values_list("vendor_id", flat=True))
    new = [v for v in vendors if v.pk not in given]
    Disclosure.objects.bulk_create(
        [Disclosure(entry=entry, vendor=v, disclosed_at=at) for v in new]
    )
    return [v.name for v in new]


def _disclose_published(project: Project, vendor: Vendor) -> None:
    now = timezone.now()
    for entry in DialogueEntry.objects.filter(project=project, published_at__isnull=False):
        _disclose(entry, [vendor], now)


def _store_files(project: Project, entry: DialogueEntry, by, uploads) -> list[DialogueFile]:
    """Checked and stored like evidence (the same allow-list, size limit and zip checks); the
    files get their real names when the transaction commits."""
    rows = []
    for upload in uploads:
        content_type = evidence_files.check_upload(upload)
        stored = evidence_files.store_upload(
            upload, project_id=project.pk, content_type=content_type
        )
        try:
            rows.append(
                DialogueFile.objects.create(
                    entry=entry,
                    original_name=stored.original_name,
                    stored_name=stored.stored_name,
                    content_type=stored.content_type,
                    size=stored.size,
                    sha256=stored.sha256,
                    uploaded_by=by,
                )
            )
        except BaseException:
            evidence_files.remove_stored(project.pk, stored.stored_name)
            raise
        evidence_files.publish_on_commit(project.pk, stored)
    return rows


def record_dialogue(
    *,
    project: Project,
    by,
    kind: str,
    occurred_on: date,
    title: str,
    text: str,
    vendor: Vendor | None = None,
    uploads=(),
) -> DialogueEntry:
    """Add a meeting or a vendor's question (with one vendor in dialogue), or information for
    every vendor (published to all vendors in dialogue at once)."""
    if kind not in DialogueEntry.Kind.values:
        raise ValidationError(_("Unknown kind of dialogue entry."))
    if kind == DialogueEntry.Kind.INFORMATION:
        vendor = None
    with transaction.atomic():
        locked = lock_market(project, by, can_edit_market, (DIALOGUE_TOOL,))
        if kind != DialogueEntry.Kind.INFORMATION:
            if (
                vendor is None
                or not Vendor.objects.filter(
                    pk=vendor.pk, project=locked, status=Vendor.Status.IN_DIALOGUE
                ).exists()
            ):
                raise ValidationError(_(NOT_IN_DIALOGUE), code="not_in_dialogue")
        now = timezone.now()
        entry = DialogueEntry.objects.create(
            project=locked,
            kind=kind,
            vendor=vendor,
            occurred_on=occurred_on,
            title=title.strip(),
            text=text.strip(),
            created_by=by,
            published_at=now if kind == DialogueEntry.Kind.INFORMATION else None,
        )
        given = []
        if kind == DialogueEntry.Kind.INFORMATION:
            given = _disclose(entry, _in_dialogue(locked), now)
        files = _store_files(locked, entry, by, uploads)
        record_market(
            locked,
            Action.MARKET_DIALOGUE,
            by,
            DIALOGUE_TOOL,
            subject=entry.title,
            after={
                "kind": kind,
                "vendor": vendor.name if vendor else None,
                "date": occurred_on,
                "text": entry.text,
                "disclosed_to": given,
                "files": [{"name": f.original_name, "sha256": f.sha256} for f in files],
            },
        )
        return entry


def answer_question(*, entry: DialogueEntry, by, answer: str) -> DialogueEntry:
    """The region's answer to a vendor's question, published at once to every vendor in
    dialogue (the one who asked included): the equal-treatment rule."""
    if not answer.strip():
        raise ValidationError(_("Write the answer."))
    with transaction.atomic():
        locked = lock_market(entry.project, by, can_edit_market, (DIALOGUE_TOOL,))
        current = DialogueEntry.objects.select_for_update().get(
            pk=entry.pk, project=locked, kind=DialogueEntry.Kind.QUESTION
        )
        if current.published_at is not None:
            raise ValidationError(_(QUESTION_ANSWERED), code="answered")
        now = timezone.now()
        current.answer, current.answered_by, current.published_at = answer.strip(), by, now
        current.save(update_fields=["answer", "answered_by", "published_at"])
        receivers = _in_dialogue(locked)
        if current.vendor_id not in {v.pk for v in receivers}:
            receivers.append(current.vendor)
        given = _disclose(current, receivers, now)
        record_market(
            locked,
            Action.MARKET_DIALOGUE,
            by,
            DIALOGUE_TOOL,
            subject=current.title,
            after={"answer": current.answer, "question": current.text, "disclosed_to": given},
        )
        return current


# --- the evaluation -----------------------------------------------------------------------------


def _check_not_finished(project: Project) -> None:
    if _finished(project):
        raise ValidationError(_(EVALUATION_FINISHED), code="finished")


def assign_evaluator(*, project: Project, by, user) -> Evaluator:
    with transaction.atomic():
        locked = lock_market(project, by, can_run_evaluation, (EVALUATION_TOOL,))
        _check_not_finished(locked)
        if load_evaluation(locked).all_scored:
            raise ValidationError(_(EVALUATORS_FIXED), code="evaluators_fixed")
        if not roles_of(locked, user) & EVALUATING_ROLES or not user.is_active:
            raise ValidationError(_(NO_EVALUATING_ROLE), code="role")
        evaluator, created = Evaluator.objects.get_or_create(
            project=locked, user=user, defaults={"assigned_by": by}
        )
        if created:
            record_market(
                locked,
                Action.MARKET_EVALUATION,
                by,
                EVALUATION_TOOL,
                subject=_("evaluator: %(name)s") % {"name": user.get_full_name() or user.username},
                after={"evaluator": user.username},
            )
        return evaluator


def remove_evaluator(*, project: Project, by, user) -> None:
    with transaction.atomic():
        locked = lock_market(project, by, can_run_evaluation, (EVALUATION_TOOL,))
        _check_not_finished(locked)
        evaluator = Evaluator.objects.filter(project=locked, user=user).first()
        if evaluator is None:
            return
        if Score.objects.filter(vendor__project=locked, evaluator=user).exists():
            raise ValidationError(_(EVALUATOR_HAS_SCORED), code="has_scored")
        evaluator.delete()
        record_market(
            locked,
            Action.MARKET_EVALUATION,
            by,
            EVALUATION_TOOL,
            subject=_("evaluator removed: %(name)s")
            % {"name": user.get_full_name() or user.username},
            before={"evaluator": user.username},
        )


def _award(project: Project, requirement: Requirement) -> Requirement:
    current = Requirement.objects.filter(pk=requirement.pk, project=project).first()
    if current is None or not current.is_award:
        raise ValidationError(_(NOT_AWARD), code="not_award")
    return current


def _bidder(project: Project, vendor: Vendor) -> Vendor:
    current = Vendor.objects.filter(pk=vendor.pk, project=project).first()
    if current is None or current.status not in BIDDER_STATUSES:
        raise ValidationError(_(NOT_A_BIDDER), code="not_bidder")
    return current


def set_scale(*, requirement: Requirement, by, low: int, high: int) -> CriterionScale:
    if not 0 <= low < high <= 1000:
        raise ValidationError(_("The highest score must be above the lowest (at most 1000)."))
    with transaction.atomic():
        locked = lock_market(requirement.project, by, can_run_evaluation, (EVALUATION_TOOL,))
        criterion = _award(locked, requirement)
        if Score.objects.filter(requirement=criterion).exists():
            raise ValidationError(_(SCALE_IN_USE), code="in_use")
        scale, _created = CriterionScale.objects.update_or_create(
            requirement=criterion, defaults={"low": low, "high": high}
        )
        record_market(
            locked,
            Action.MARKET_EVALUATION,
            by,
            EVALUATION_TOOL,
            subject=f"#{criterion.position}",
            after={"scale": [low, high]},
        )
        return scale


def _check_on_scale(state, criterion: Requirement, value: Decimal) -> None:
    low, high = state.scale(criterion.pk)
    if not low <= value <= high:
        raise ValidationError(_(OUT_OF_SCALE) % {"low": low, "high": high}, code="scale")


def save_score(
    *, vendor: Vendor, requirement: Requirement, by, value: Decimal, justification: str
) -> Score:
    """An evaluator's own score of a bidder on an award criterion (new or changed), until the
    scores are revealed."""
    if not justification.strip():
        raise ValidationError(_(JUSTIFY), code="justify")

    with transaction.atomic():
        locked = lock_market(vendor.project, by, can_score, (EVALUATION_TOOL,))
        _check_not_finished(locked)
        bidder = _bidder(locked, vendor)
        criterion = _award(locked, requirement)
        state = load_evaluation(locked)
        if state.all_scored:
            raise ValidationError(_(SCORES_REVEALED), code="revealed")
        _check_on_scale(state, criterion, value)
        score, created = Score.objects.update_or_create(
            vendor=bidder,
            requirement=criterion,
            evaluator=by,
            defaults={"value": value, "justification": justification.strip()},
        )
        # The value stays out of the journal: the team's history page would show it to the
        # other evaluators before they have scored.
        record_market(
            locked,
            Action.MARKET_SCORE,
            by,
            EVALUATION_TOOL,
            subject=f"{bidder.name}, #{criterion.position}",
            after={"vendor": bidder.name, "criterion": criterion.position, "new": created},
        )
        return score


def set_consensus(
    *, vendor: Vendor, requirement: Requirement, by, value: Decimal, reason: str
) -> Consensus:
    """The procurement consultant's consensus score, once every evaluator has scored."""
    if not reason.strip():
        raise ValidationError(_("Give the reason for the consensus score."), code="reason")
    with transaction.atomic():
        locked = lock_market(vendor.project, by, can_run_evaluation, (EVALUATION_TOOL,))
        _check_not_finished(locked)
        bidder = _bidder(locked, vendor)
        criterion = _award(locked, requirement)
        state = load_evaluation(locked)
        if not state.all_scored:
            raise ValidationError(_(NOT_REVEALED), code="not_revealed")
        _check_on_scale(state, criterion, value)
        previous = state.consensus.get((bidder.pk, criterion.pk))
        consensus, _created = Consensus.objects.update_or_create(
            vendor=bidder,
            requirement=criterion,
            defaults={"value": value, "reason": reason.strip(), "set_by": by},
        )
        record_market(
            locked,
            Action.MARKET_EVALUATION,
            by,
            EVALUATION_TOOL,
            subject=_("consensus: %(vendor)s, #%(n)s")
            % {"vendor": bidder.name, "n": criterion.position},
            before=None
            if previous is None
            else {"value": previous.value, "reason": previous.reason},
            after={
                "value": value,
                "reason": consensus.reason,
                "scores": sorted(
                    str(s.value)
                    for s in state.scores
                    if s.vendor_id == bidder.pk and s.requirement_id == criterion.pk
                ),
            },
        )
        return consensus


def set_minimum_check(
    *, vendor: Vendor, requirement: Requirement, by, met: bool, note: str = ""
) -> MinimumCheck:
    """Whether a bidder meets a minimum requirement; a failed one needs a note and takes the
    bidder out of the ranking."""
    if not met and not note.strip():
        raise ValidationError(_("Say why the requirement is not met."), code="note")
    with transaction.atomic():
        locked = lock_market(vendor.project, by, can_run_evaluation, (EVALUATION_TOOL,))
        _check_not_finished(locked)
        bidder = _bidder(locked, vendor)
        current = Requirement.objects.filter(pk=requirement.pk, project=locked).first()
        if current is None or current.is_award:
            raise ValidationError(_(NOT_MINIMUM), code="not_minimum")
        check, _created = MinimumCheck.objects.update_or_create(
            vendor=bidder,
            requirement=current,
            defaults={"met": met, "note": note.strip(), "set_by": by},
        )
        record_market(
            locked,
            Action.MARKET_EVALUATION,
            by,
            EVALUATION_TOOL,
            subject=f"{bidder.name}, #{current.position}",
            after={"met": met, "note": check.note},
        )
        return check


def ranking_data(ranking: list[scoring.Ranked]) -> list[dict]:
    return [
        {
            "vendor": r.bidder.name,
            "vendor_id": r.bidder.key,
            "rank": r.rank,
            "total": None if r.total is None else str(scoring.rounded(r.total)),
            "failed_minimum": list(r.bidder.failed_minimum),
        }
        for r in ranking
    ]


def finish_evaluation(*, project: Project, by) -> Evaluation:
    """Freeze the evaluation: every bidder has its consensus scores and minimum checks, and one
    bidder ranks first alone; that bidder becomes the winner."""
    with transaction.atomic():
        locked = lock_market(project, by, can_run_evaluation, (EVALUATION_TOOL,))
        _check_not_finished(locked)
        state = load_evaluation(locked)
        if not state.bidders:
            raise ValidationError(_(NO_BIDDERS), code="no_bidders")
        if not state.consensus_complete or not state.checks_complete:
            raise ValidationError(_(INCOMPLETE), code="incomplete")
        ranking = state.ranking()
        top = scoring.winner(ranking)
        if top is None:
            raise ValidationError(_(TIED), code="tied")
        data = ranking_data(ranking)
        evaluation = Evaluation.objects.create(
            project=locked, finished_by=by, finished_at=timezone.now(), ranking=data
        )
        Vendor.objects.filter(pk=top.key).update(status=Vendor.Status.WINNER)
        record_market(
            locked,
            Action.MARKET_EVALUATION,
            by,
            EVALUATION_TOOL,
            subject=_("evaluation finished: %(winner)s") % {"winner": top.name},
            after={"ranking": data},
        )
        return evaluation
