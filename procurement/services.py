"""Writes that span models: starting a project, the team, answers, sign-offs and evidence.

State changes of the journey are not here: they go through `transitions.perform_transition`.
Answer writes lock the project row too, so an answer cannot slip in while the stage moves on.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from checklists.models import ChecklistItem, Pathway
from checklists.roles import Role

from . import evidence_files
from .gates import load_stage_status
from .models import Action, Answer, Evidence, HistoryEntry, Membership, Project, SignOff
from .permissions import can_edit_answer, can_manage_team, can_sign_off

NO_ORGANISATION = "Your user is not attached to an organisation. Ask an administrator."
STAGE_MOVED = "The project has moved on to another stage: this item can no longer be changed."


def create_project(
    *,
    by,
    pathway: Pathway,
    title: str,
    clinical_need: str,
    department: str,
    product_name: str = "",
    vendor_name: str = "",
) -> Project:
    """Start a case: the creator becomes its owner and clinician, in the pathway's first stage."""
    if by.organisation_id is None:
        raise ValidationError(_(NO_ORGANISATION))
    first_stage = pathway.stages.order_by("order").first()
    if first_stage is None:
        raise ValidationError(_("This pathway has no stages."))
    with transaction.atomic():
        project = Project(
            organisation_id=by.organisation_id,
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
        HistoryEntry.objects.create(
            project=project, action=Action.CREATED, to_state=first_stage.key, by=by
        )
    return project


def add_member(*, project: Project, by, user, role: str) -> Membership:
    if not can_manage_team(project, by):
        raise PermissionDenied
    if role not in Role.values:
        raise ValidationError(_("Unknown role."))
    if not user.is_active:
        raise ValidationError(_("This user is not active."))
    if user.organisation_id != project.organisation_id:
        raise ValidationError(_("Only people from the project's organisation can be added."))
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            project=project, user=user, role=role, defaults={"added_by": by}
        )
    if not created:
        raise ValidationError(
            _("%(user)s already has the role %(role)s.") % {"user": user, "role": Role(role).label}
        )
    return membership


def remove_member(*, project: Project, by, membership: Membership) -> None:
    if not can_manage_team(project, by) or membership.project_id != project.pk:
        raise PermissionDenied
    if membership.user_id == project.owner_id and membership.role == Role.CLINICIAN:
        raise ValidationError(_("The owner cannot be removed from the project."))
    membership.delete()


def _lock_for_item(project: Project, item: ChecklistItem, by, *, check) -> Project:
    locked = Project.objects.select_for_update().select_related("pathway").get(pk=project.pk)
    status = load_stage_status(locked)
    if locked.current_stage is None or item.stage_id != locked.current_stage.pk:
        raise ValidationError(_(STAGE_MOVED))
    if not check(locked, status, by, item):
        raise PermissionDenied
    return locked


def save_answer(
    *,
    project: Project,
    item: ChecklistItem,
    by,
    value: str,
    justification: str = "",
    upload=None,
) -> Answer:
    """Save the answer to one item of the current stage. A changed answer gets a new revision,
    so an earlier sign-off stops counting. An evidence upload is stored first and removed again
    if the transaction fails, so no orphaned file stays behind."""
    stored = None
    if upload is not None:
        content_type = evidence_files.check_upload(upload)
        stored = evidence_files.store_upload(
            upload, project_id=project.pk, content_type=content_type
        )
        value = stored.original_name
    try:
        with transaction.atomic():
            locked = _lock_for_item(project, item, by, check=can_edit_answer)
            evidence = None
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
            answer = Answer.objects.filter(project=locked, item=item).first()
            if answer is None:
                return Answer.objects.create(
                    project=locked,
                    item=item,
                    value=value,
                    justification=justification,
                    evidence=evidence,
                    answered_by=by,
                )
            if evidence is None:
                evidence = answer.evidence
            if (answer.value, answer.justification, answer.evidence_id) == (
                value,
                justification,
                evidence.pk if evidence else None,
            ):
                return answer  # nothing changed: keep the revision and its sign-off
            answer.value = value
            answer.justification = justification
            answer.evidence = evidence
            answer.answered_by = by
            answer.revision = F("revision") + 1
            answer.save()
            answer.refresh_from_db()
            return answer
    except Exception:
        if stored is not None:
            evidence_files.remove_stored(project.pk, stored.stored_name)
        raise


def sign_off(*, project: Project, item: ChecklistItem, by) -> SignOff:
    """Sign off the current revision of an item's answer on behalf of the item's sign-off role."""
    with transaction.atomic():
        locked = _lock_for_item(project, item, by, check=can_sign_off)
        answer = Answer.objects.filter(project=locked, item=item).first()
        if answer is None:
            raise ValidationError(_("The item must be answered before it can be signed off."))
        signoff, created = SignOff.objects.get_or_create(
            project=locked,
            item=item,
            answer_revision=answer.revision,
            defaults={"role": item.signoff_role, "user": by},
        )
    if not created:
        raise ValidationError(_("This answer has already been signed off."))
    return signoff
