"""Writes that span models: starting a project, the team, answers, sign-offs and evidence.

State changes of the journey are not here: they go through `transitions.perform_transition`.
Every write here locks the project row, re-checks permission and the stage after the lock
(`guards`), changes, and records the change in the journal, all in one transaction: a write that
is refused changes nothing and records nothing.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Organisation
from accounts.organisations import in_same_region
from checklists.models import ChecklistItem, Pathway
from checklists.roles import Role
from checklists.selectors import pathway_usable_by

from . import evidence_files, journal
from .gates import StageStatus
from .guards import lock_project, require_stage_open
from .models import Action, Answer, Evidence, Membership, Project, SignOff
from .permissions import (
    can_edit_answer,
    can_manage_team,
    can_sign_off,
    member_refusal,
    roles_of,
    team_change_refusal,
)

NO_ORGANISATION = gettext_noop(
    "Your user is not attached to an organisation. Ask an administrator."
)
OUTSIDE_REGION = gettext_noop("A project can only be started in your own region.")
OWN_ANSWER = gettext_noop(
    "You wrote this answer yourself, so it already counts as signed by you. A sign-off confirms "
    "another person's answer."
)
ALREADY_SIGNED = gettext_noop("This answer has already been signed off.")
# The first stage's question about the clinical problem: the clinical need typed when a project is
# started becomes its first answer (both pathways share the key), so nobody is asked twice.
NEED_STATEMENT_KEY = "need.problem_statement"


def create_project(
    *,
    by,
    pathway: Pathway,
    title: str,
    clinical_need: str,
    department: str,
    product_name: str = "",
    vendor_name: str = "",
    organisation: Organisation | None = None,
) -> Project:
    """Start a case: the creator becomes its owner and clinician, in the pathway's first stage.

    The project belongs to `organisation` (a department, a hospital or the region itself), which
    must lie in the creator's region; by default to the creator's own organisation.

    The clinical need is also saved, through the answer service and so journalled, as the answer
    to the first stage's need statement (`NEED_STATEMENT_KEY`) when the pathway has that item and
    the creator may answer it; from then on that answer is the need, changed like any other."""
    if by.organisation_id is None:
        raise ValidationError(_(NO_ORGANISATION))
    organisation = organisation or by.organisation
    if not in_same_region(by.organisation, organisation):
        raise ValidationError(_(OUTSIDE_REGION))
    if not pathway_usable_by(pathway, organisation):
        raise ValidationError(_("This pathway belongs to another organisation."))
    first_stage = pathway.stages.order_by("order").first()
    if first_stage is None:
        raise ValidationError(_("This pathway has no stages."))
    with transaction.atomic():
        project = Project(
            organisation=organisation,
            pathway=pathway,
            title=title,
            clinical_need=clinical_need,
            department=department,
            product_name=product_name,
            vendor_name=vendor_name,
            owner=by,
            # The only time the state is set directly: after this, only transitions move it.
            state=first_stage.key,
        )
        project.save()
        Membership.objects.create(project=project, user=by, role=Role.CLINICIAN, added_by=by)
        journal.record(
            project=project,
            action=Action.CREATED,
            by=by,
            from_state="",
            after={"title": title, "pathway": pathway.slug, "version": pathway.version},
        )
        need_item = first_stage.items.filter(key=NEED_STATEMENT_KEY).first()
        if need_item is not None and clinical_need.strip():
            try:
                _write_answer(
                    project, need_item, by, clinical_need, "", stored=None, seen_state=None
                )
            except PermissionDenied:
                pass  # an item for another role: that person answers it in the stage
    return project


def _member_data(membership: Membership) -> dict:
    return {
        "user": membership.user.get_username(),
        "name": str(membership.user),
        "role": membership.role,
    }


def _require_team_change(project: Project, by, role: str, **kwargs) -> None:
    """Refuse a team change the team rule forbids: 403 for someone who may not manage the team
    at all, otherwise a ValidationError saying why (kept for the form)."""
    by_roles = roles_of(project, by)
    if not can_manage_team(project, by, by_roles=by_roles):
        raise PermissionDenied
    refusal = team_change_refusal(project, by, role, by_roles=by_roles, **kwargs)
    if refusal is not None:
        raise ValidationError(_(refusal) % {"role": Role(role).label}, code="team_rule")


def add_member(*, project: Project, by, user, role: str) -> Membership:
    """Give `user` a role on the project, within the team rule (`permissions.team_change_refusal`:
    approving roles only from an administrator or a holder of an approving role, never to
    oneself or to the owner), and journal the grant. Refused: nothing written."""
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    if not user.is_active:
        raise ValidationError(_("This user is not active."))
    refusal = member_refusal(project, by, user)
    if refusal is not None:
        raise ValidationError(_(refusal) % {"user": user}, code="other_region")
    with transaction.atomic():
        locked = lock_project(project)
        _require_team_change(locked, by, role, user=user)
        if Membership.objects.filter(project=locked, user=user, role=role).exists():
            raise ValidationError(
                _("%(user)s already has the role %(role)s.")
                % {"user": user, "role": Role(role).label},
                code="duplicate",
            )
        membership = Membership.objects.create(project=locked, user=user, role=role, added_by=by)
        journal.record(
            project=locked,
            action=Action.MEMBER_ADDED,
            by=by,
            subject=f"{user.get_username()}/{role}",
            after=_member_data(membership),
        )
    return membership


def remove_member(*, project: Project, by, membership: Membership) -> None:
    """Take a role away within the same team rule as giving it, and journal the removal."""
    if membership.project_id != project.pk:
        raise PermissionDenied
    if membership.user_id == project.owner_id and membership.role == Role.CLINICIAN:
        raise ValidationError(_("The owner cannot be removed from the project."))
    with transaction.atomic():
        locked = lock_project(project)
        _require_team_change(locked, by, membership.role, user=membership.user, removing=True)
        current = Membership.objects.filter(pk=membership.pk, project=locked).first()
        if current is None:
            return  # removed a moment ago by someone else: nothing left to do or record
        before = _member_data(current)
        current.delete()
        journal.record(
            project=locked,
            action=Action.MEMBER_REMOVED,
            by=by,
            subject=f"{before['user']}/{before['role']}",
            before=before,
        )


def _lock_for_item(project: Project, item: ChecklistItem, by, *, check, seen_state=None):
    """The locked project and the person's roles on it (as a status of its current stage that
    holds only them: the rules on one item read no other item), once the item's stage is open
    and the person may do this to the item."""
    locked = lock_project(project)
    require_stage_open(locked, item.stage, seen_state=seen_state)
    status = StageStatus(stage=locked.current_stage, roles_by_user={by.pk: roles_of(locked, by)})
    if not check(locked, status, by, item):
        raise PermissionDenied
    return locked, status


def answer_data(answer: Answer | None) -> dict | None:
    """What the journal keeps of an answer: the value as stored, and the file's identity."""
    if answer is None:
        return None
    data = {"value": answer.value, "justification": answer.justification}
    if answer.evidence_id:
        evidence = answer.evidence
        data["evidence"] = {
            "name": evidence.original_name,
            "sha256": evidence.sha256,
            "size": evidence.size,
        }
    return data


def save_answer(
    *,
    project: Project,
    item: ChecklistItem,
    by,
    value: str,
    justification: str = "",
    upload=None,
    seen_state: str | None = None,
) -> Answer:
    """Save the answer to one item of the current stage, and journal the old and new value.

    A changed answer gets a new revision, so an earlier sign-off stops counting; when the person
    holds the item's sign-off role, the new revision counts as signed by them (their answer is
    their sign-off). An unchanged answer writes nothing. An evidence upload is stored first under
    a `.part` name, gets its real name when the transaction commits and is removed when it fails
    or rolls back, so no orphaned or truncated file stays behind. Refused (nothing
    written) when the stage is approved, not yet started, or moved since `seen_state`."""
    stored = None
    if upload is not None:
        content_type = evidence_files.check_upload(upload)
        stored = evidence_files.store_upload(
            upload, project_id=project.pk, content_type=content_type
        )
        value = stored.original_name
    try:
        with transaction.atomic():
            answer = _write_answer(
                project, item, by, value, justification, stored=stored, seen_state=seen_state
            )
            if stored is not None:
                # The complete file gets its real name only once the row is committed.
                evidence_files.publish_on_commit(project.pk, stored)
    except BaseException:
        if stored is not None:
            evidence_files.remove_stored(project.pk, stored.stored_name)
        raise
    return answer


def _write_answer(project, item, by, value, justification, *, stored, seen_state) -> Answer:
    """The answer's rows and journal entries, in the caller's transaction."""
    locked, status = _lock_for_item(project, item, by, check=can_edit_answer, seen_state=seen_state)
    answer = (
        Answer.objects.select_for_update(of=("self",))
        .select_related("evidence")
        .filter(project=locked, item=item)
        .first()
    )
    evidence = answer.evidence if answer is not None else None
    if stored is not None:
        evidence = Evidence.objects.create(
            project=locked,
            item=item,
            original_name=stored.original_name,
            stored_name=stored.stored_name,
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
            uploaded_by=by,
        )
    if answer is not None and (
        answer.value,
        answer.justification,
        answer.evidence_id,
    ) == (value, justification, evidence.pk if evidence else None):
        return answer  # nothing changed: keep the revision and its sign-off
    before = answer_data(answer)
    if answer is None:
        answer = Answer.objects.create(
            project=locked,
            item=item,
            value=value,
            justification=justification,
            evidence=evidence,
            answered_by=by,
        )
    else:
        answer.value = value
        answer.justification = justification
        answer.evidence = evidence
        answer.answered_by = by
        answer.revision = F("revision") + 1
        answer.save()
        answer.refresh_from_db()
    journal.record(
        project=locked,
        action=Action.EVIDENCE_UPLOADED if stored is not None else Action.ANSWERED,
        by=by,
        subject=item.key,
        stage_key=item.stage.key,
        before=before,
        after=answer_data(answer),
    )
    if item.signoff_role and item.signoff_role in status.roles_of(by):
        _record_signoff(locked, item, answer, by, comment=_("signed by answering"))
    return answer


def _record_signoff(project: Project, item: ChecklistItem, answer: Answer, by, *, comment=""):
    signoff = SignOff.objects.create(
        project=project,
        item=item,
        answer_revision=answer.revision,
        role=item.signoff_role,
        user=by,
    )
    journal.record(
        project=project,
        action=Action.SIGNED_OFF,
        by=by,
        subject=item.key,
        stage_key=item.stage.key,
        after={"role": item.signoff_role, "revision": answer.revision},
        comment=comment,
    )
    return signoff


def sign_off(*, project: Project, item: ChecklistItem, by, seen_state: str | None = None):
    """Sign off the current revision of an item's answer on behalf of the item's sign-off role:
    a second person confirming someone else's answer (an answer written by a holder of the role
    is signed when it is saved; nobody signs their own answer separately)."""
    with transaction.atomic():
        locked, _status = _lock_for_item(
            project, item, by, check=can_sign_off, seen_state=seen_state
        )
        answer = Answer.objects.filter(project=locked, item=item).first()
        if answer is None:
            raise ValidationError(
                _("The item must be answered before it can be signed off."), code="unanswered"
            )
        if SignOff.objects.filter(
            project=locked, item=item, answer_revision=answer.revision
        ).exists():
            raise ValidationError(_(ALREADY_SIGNED), code="already_signed")
        if answer.answered_by_id == by.pk:
            raise ValidationError(_(OWN_ANSWER), code="own_answer")
        return _record_signoff(locked, item, answer, by)
