"""Changing drafts, publishing them, sharing, adopting and merging pathway versions.

Every function here is the one door for its change: it locks the draft, checks after the lock
that the person is a content editor of the owning organisation (`permissions.require_editor`)
and that the draft is in the right status, writes, and records a DraftEvent, in one transaction.
A refused change writes nothing. Publishing creates the new Pathway version through the loader
(`checklists.loading.create_pathway`) from the content dumped as a pathway file, so the version's
checksum is the SHA-256 of exactly what its export downloads.
"""

from collections.abc import Callable

import yaml
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from checklists.loading import PathwayFileError, create_pathway
from checklists.models import Pathway

from .content import (
    append_item,
    append_stage,
    content_problems,
    merge_content,
    move_item,
    parse_content,
    pathway_content,
    remove_item,
    remove_stage,
    replace_item,
    replace_stage_fields,
    set_field,
    without_change_notes,
)
from .models import OPEN_STATUSES, DraftEvent, DraftStatus, PathwayDraft
from .permissions import require_editor

MAX_IMPORT_BYTES = 512 * 1024

FOUR_EYES = gettext_noop(
    "You asked for approval of this draft yourself: another content editor must approve it."
)
NOT_EDITING = gettext_noop("The draft is not being edited: return it for editing first.")
NOT_AWAITING = gettext_noop("The draft is not awaiting approval.")
HAS_PROBLEMS = gettext_noop("The draft has problems: fix them before asking for approval.")
STALE = gettext_noop(
    "Another version of this pathway was published while the draft was open: discard the draft "
    "and start again from the newest version."
)
OPEN_DRAFT = gettext_noop("This pathway already has an open draft.")
NOT_LATEST = gettext_noop("Only the newest published version can be edited.")
NOT_ADOPTABLE = gettext_noop("This version is not shared for adoption.")
OWN_PATHWAY = gettext_noop("The organisation cannot adopt its own pathway.")
SLUG_TAKEN = gettext_noop("A pathway with this short name already exists.")
NOTHING_NEWER = gettext_noop("There is no newer version from the origin to merge.")
NOT_YAML = gettext_noop("The file is not a pathway in YAML.")
TOO_BIG = gettext_noop("The file is too large.")


def _record(draft: PathwayDraft, action: str, by, note: str = "") -> None:
    DraftEvent.objects.create(draft=draft, action=action, by=by, note=note[:300])


def _lock(draft: PathwayDraft) -> PathwayDraft:
    return (
        PathwayDraft.objects.select_for_update(of=("self",)).select_related("base").get(pk=draft.pk)
    )


def _open_draft(*, by, slug, organisation, content, action, note="", **fields) -> PathwayDraft:
    if PathwayDraft.objects.filter(slug=slug, status__in=OPEN_STATUSES).exists():
        raise ValidationError(_(OPEN_DRAFT))
    try:
        with transaction.atomic():
            draft = PathwayDraft.objects.create(
                slug=slug, organisation=organisation, content=content, created_by=by, **fields
            )
    except IntegrityError as exc:  # another editor opened one a moment earlier
        raise ValidationError(_(OPEN_DRAFT)) from exc
    _record(draft, action, by, note)
    return draft


@transaction.atomic
def start_draft(*, by, pathway: Pathway) -> PathwayDraft:
    """A draft of the pathway's next version, starting from its newest published version
    (change notes left out: they explained the previous change)."""
    latest = Pathway.latest(pathway.slug)
    require_editor(by, pathway.organisation)
    if latest is None or latest.pk != pathway.pk:
        raise ValidationError(_(NOT_LATEST))
    return _open_draft(
        by=by,
        slug=latest.slug,
        organisation=latest.organisation,
        content=without_change_notes(pathway_content(latest)),
        action=DraftEvent.Action.CREATED,
        base=latest,
    )


@transaction.atomic
def change_content(
    *, by, draft: PathwayDraft, change: Callable[[dict], None], note: str = "", action=None
) -> PathwayDraft:
    """Apply `change` (which edits the content dict in place) to a draft being edited."""
    draft = _lock(draft)
    require_editor(by, draft.organisation)
    if draft.status != DraftStatus.EDITING:
        raise ValidationError(_(NOT_EDITING))
    content = draft.content
    change(content)
    draft.content = content
    draft.save(update_fields=["content", "updated_at"])
    _record(draft, action or DraftEvent.Action.EDITED, by, note)
    return draft


def update_item(*, by, draft: PathwayDraft, key: str, item: dict) -> PathwayDraft:
    return change_content(by=by, draft=draft, change=lambda c: replace_item(c, key, item), note=key)


def add_item(*, by, draft: PathwayDraft, stage_key: str, item: dict) -> PathwayDraft:
    return change_content(
        by=by, draft=draft, change=lambda c: append_item(c, stage_key, item), note=item["key"]
    )


def delete_item(*, by, draft: PathwayDraft, key: str) -> PathwayDraft:
    return change_content(by=by, draft=draft, change=lambda c: remove_item(c, key), note=f"- {key}")


def add_stage(*, by, draft: PathwayDraft, stage: dict) -> PathwayDraft:
    """A new stage at the end (the loader asks for at least one item before approval)."""
    return change_content(
        by=by, draft=draft, change=lambda c: append_stage(c, stage), note=stage["key"]
    )


def delete_stage(*, by, draft: PathwayDraft, key: str) -> PathwayDraft:
    return change_content(
        by=by, draft=draft, change=lambda c: remove_stage(c, key), note=f"- {key}"
    )


def move_item_by(*, by, draft: PathwayDraft, key: str, offset: int) -> PathwayDraft:
    return change_content(
        by=by, draft=draft, change=lambda c: move_item(c, key, offset), note=f"{key} {offset:+d}"
    )


def update_stage(*, by, draft: PathwayDraft, key: str, fields: dict) -> PathwayDraft:
    return change_content(
        by=by, draft=draft, change=lambda c: replace_stage_fields(c, key, fields), note=key
    )


NO_SUCH_CONFLICT = gettext_noop("That conflict was already decided.")


@transaction.atomic
def decide_conflict(*, by, draft: PathwayDraft, index: int, take_theirs: bool) -> PathwayDraft:
    """Decide one merge conflict: keep the organisation's text (the draft has it already) or take
    the publisher's (only for a changed field; an added or removed stage or item is edited by
    hand)."""
    draft = _lock(draft)
    require_editor(by, draft.organisation)
    if draft.status != DraftStatus.EDITING:
        raise ValidationError(_(NOT_EDITING))
    conflicts = list(draft.conflicts)
    if not 0 <= index < len(conflicts):
        raise ValidationError(_(NO_SUCH_CONFLICT))
    conflict = conflicts.pop(index)
    if take_theirs and conflict["field"]:
        set_field(draft.content, conflict["key"], conflict["field"], conflict["theirs"])
    draft.conflicts = conflicts
    draft.save(update_fields=["content", "conflicts", "updated_at"])
    where = ".".join(filter(None, [conflict["key"], conflict["field"]]))
    choice = "theirs" if take_theirs and conflict["field"] else "local"
    _record(draft, DraftEvent.Action.EDITED, by, f"{where}: {choice}")
    return draft


def import_yaml(*, by, draft: PathwayDraft, raw: bytes) -> PathwayDraft:
    """Replace the draft's content by an uploaded pathway file, if the loader accepts it (its
    slug and version are the draft's own). Raises ValidationError naming every problem."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise ValidationError(_(TOO_BIG))
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise ValidationError(_(NOT_YAML)) from exc
    if not isinstance(data, dict):
        raise ValidationError(_(NOT_YAML))
    data = {k: v for k, v in data.items() if k not in ("slug", "version")}
    problems = content_problems(data, slug=draft.slug, version=draft.version)
    if problems:
        raise ValidationError([p.message for p in problems])

    def replace(content: dict) -> None:
        content.clear()
        content.update(data)

    return change_content(by=by, draft=draft, change=replace, action=DraftEvent.Action.IMPORTED)


@transaction.atomic
def request_approval(*, by, draft: PathwayDraft) -> PathwayDraft:
    draft = _lock(draft)
    require_editor(by, draft.organisation)
    if draft.status != DraftStatus.EDITING:
        raise ValidationError(_(NOT_EDITING))
    if content_problems(draft.content, slug=draft.slug, version=draft.version):
        raise ValidationError(_(HAS_PROBLEMS))
    draft.status = DraftStatus.APPROVAL_REQUESTED
    draft.requested_by = by
    draft.save(update_fields=["status", "requested_by", "updated_at"])
    _record(draft, DraftEvent.Action.APPROVAL_REQUESTED, by)
    return draft


@transaction.atomic
def return_for_editing(*, by, draft: PathwayDraft, note: str = "") -> PathwayDraft:
    draft = _lock(draft)
    require_editor(by, draft.organisation)
    if draft.status != DraftStatus.APPROVAL_REQUESTED:
        raise ValidationError(_(NOT_AWAITING))
    draft.status = DraftStatus.EDITING
    draft.requested_by = None
    draft.save(update_fields=["status", "requested_by", "updated_at"])
    _record(draft, DraftEvent.Action.RETURNED, by, note)
    return draft


@transaction.atomic
def discard(*, by, draft: PathwayDraft) -> PathwayDraft:
    draft = _lock(draft)
    require_editor(by, draft.organisation)
    if not draft.is_open:
        raise ValidationError(_(NOT_EDITING))
    draft.status = DraftStatus.DISCARDED
    draft.save(update_fields=["status", "updated_at"])
    _record(draft, DraftEvent.Action.DISCARDED, by)
    return draft


def _origin_fields(draft: PathwayDraft) -> dict:
    source = draft.origin
    if source is not None:
        return {
            "origin_organisation": source.organisation,
            "origin_slug": source.slug,
            "origin_version": source.version,
            "origin_checksum": source.checksum,
        }
    base = draft.base
    if base is not None:
        return {
            "origin_organisation": base.origin_organisation,
            "origin_slug": base.origin_slug,
            "origin_version": base.origin_version,
            "origin_checksum": base.origin_checksum,
        }
    return {}


@transaction.atomic
def approve_and_publish(*, by, draft: PathwayDraft) -> Pathway:
    """Publish the draft as the pathway's next version: only a content editor other than the one
    who asked for approval (four-eyes), only while no other version was published since the
    draft began, only when the loader accepts the content. New projects start on it; projects
    keep the version they are on until moved (procurement.pathway_change)."""
    draft = _lock(draft)
    require_editor(by, draft.organisation)
    if draft.status != DraftStatus.APPROVAL_REQUESTED:
        raise ValidationError(_(NOT_AWAITING))
    if draft.requested_by_id == by.pk:
        raise ValidationError(_(FOUR_EYES), code="four_eyes")
    version = draft.version
    if Pathway.objects.filter(slug=draft.slug, version__gte=version).exists():
        raise ValidationError(_(STALE))
    try:
        parsed = parse_content(draft.content, slug=draft.slug, version=version)
    except PathwayFileError as exc:
        raise ValidationError([p.message for p in exc.problems]) from exc
    pathway = create_pathway(parsed, organisation=draft.organisation, **_origin_fields(draft))
    draft.status = DraftStatus.PUBLISHED
    draft.published = pathway
    draft.published_by = by
    draft.save(update_fields=["status", "published", "published_by", "updated_at"])
    _record(draft, DraftEvent.Action.PUBLISHED, by, f"v{pathway.version}")
    return pathway


@transaction.atomic
def set_shared(*, by, pathway: Pathway, shared: bool) -> Pathway:
    """Offer a published version to other organisations for adoption, or stop offering it
    (copies already made keep their origin). The content is untouched."""
    pathway = Pathway.objects.select_for_update().get(pk=pathway.pk)
    require_editor(by, pathway.organisation)
    pathway.shared = shared
    pathway.save(update_fields=["shared"])
    return pathway


def adoptable(pathway: Pathway) -> bool:
    return pathway.is_published and (pathway.organisation_id is None or pathway.shared)


@transaction.atomic
def adopt(*, by, pathway: Pathway, organisation, slug: str) -> PathwayDraft:
    """A draft of the organisation's own copy of a shared (or national) version, under a new
    short name, with the origin recorded; published (four-eyes) as version 1 of the copy."""
    require_editor(by, organisation)
    pathway = Pathway.objects.select_related("organisation").get(pk=pathway.pk)
    if not adoptable(pathway):
        raise ValidationError(_(NOT_ADOPTABLE))
    if pathway.organisation_id == organisation.pk:
        raise ValidationError(_(OWN_PATHWAY))
    if Pathway.objects.filter(slug=slug).exists():
        raise ValidationError(_(SLUG_TAKEN))
    source = pathway.organisation.name if pathway.organisation_id else "national"
    return _open_draft(
        by=by,
        slug=slug,
        organisation=organisation,
        content=without_change_notes(pathway_content(pathway)),
        action=DraftEvent.Action.ADOPTED,
        note=f"{source}: {pathway.slug} v{pathway.version}",
        origin=pathway,
    )


def newer_origin(pathway: Pathway) -> Pathway | None:
    """The origin's newest version after the one this copy adopted or last merged, when the
    publisher shares it (or it is national)."""
    if not pathway.origin_slug or pathway.origin_version is None:
        return None
    return (
        Pathway.objects.filter(
            slug=pathway.origin_slug, version__gt=pathway.origin_version, is_published=True
        )
        .filter(Q(shared=True) | Q(organisation__isnull=True))
        .select_related("organisation")
        .order_by("-version")
        .first()
    )


def adopted_base(pathway: Pathway) -> Pathway | None:
    """The origin version a copy was adopted from or last merged."""
    return Pathway.objects.filter(slug=pathway.origin_slug, version=pathway.origin_version).first()


@transaction.atomic
def start_merge(*, by, pathway: Pathway) -> PathwayDraft:
    """A draft of the copy's next version with the origin's changes since the adopted (or last
    merged) version applied to it; where the copy changed the same field, the copy's text is
    kept and the conflict listed on the draft for the editor to decide."""
    latest = Pathway.latest(pathway.slug)
    require_editor(by, pathway.organisation)
    newer = newer_origin(latest) if latest else None
    base = adopted_base(latest) if newer else None
    if newer is None or base is None:
        raise ValidationError(_(NOTHING_NEWER))
    merged, conflicts = merge_content(
        without_change_notes(pathway_content(base)),
        pathway_content(newer),
        without_change_notes(pathway_content(latest)),
    )
    return _open_draft(
        by=by,
        slug=latest.slug,
        organisation=latest.organisation,
        content=merged,
        action=DraftEvent.Action.MERGED,
        note=f"{newer.slug} v{base.version} → v{newer.version}",
        base=latest,
        origin=newer,
        conflicts=conflicts,
    )
