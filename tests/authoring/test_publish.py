"""Editing a draft and publishing it with a second editor's approval (four-eyes)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from authoring import services
from authoring.content import find_item, parse_content, pathway_content
from authoring.models import DraftEvent, DraftStatus, PathwayDraft
from checklists.loading import create_pathway
from checklists.models import ChecklistItem, Pathway
from checklists.selectors import available_pathways
from procurement import services as project_services
from procurement.forms import ProjectForm

from .conftest import publish


def _new_help(draft, by, text="Ny hjælp: hvem mærker problemet?"):
    _, item = find_item(draft.content, "need.problem")
    item = {**item, "help": {"da": text, "en": "New help"}}
    return services.update_item(by=by, draft=draft, key="need.problem", item=item)


def _project(user, pathway):
    return project_services.create_project(
        by=user, pathway=pathway, title="P", clinical_need="Behov.", department="Afd."
    )


def test_adopted_copy_records_its_origin(regions, pathway, north_copy):
    assert (north_copy.slug, north_copy.version) == ("test-nord", 1)
    assert north_copy.organisation == regions.north
    assert north_copy.origin_organisation is None  # the national seed
    assert (north_copy.origin_slug, north_copy.origin_version) == ("test-pathway", 1)
    assert north_copy.origin_checksum == pathway.checksum
    assert len(north_copy.checksum) == 64


def test_help_text_change_published_with_four_eyes(regions, north_copy):
    old_project = _project(regions.clinician, north_copy)
    draft = services.start_draft(by=regions.north_editor, pathway=north_copy)
    _new_help(draft, regions.north_editor)
    services.request_approval(by=regions.north_editor, draft=draft)

    with pytest.raises(ValidationError) as refused:
        services.approve_and_publish(by=regions.north_editor, draft=draft)
    assert refused.value.code == "four_eyes"
    assert not Pathway.objects.filter(slug="test-nord", version=2).exists()
    assert PathwayDraft.objects.get(pk=draft.pk).status == DraftStatus.APPROVAL_REQUESTED

    v2 = services.approve_and_publish(by=regions.north_editor2, draft=draft)
    assert v2.version == 2 and v2.organisation == regions.north
    assert v2.origin_slug == "test-pathway" and v2.origin_version == 1
    item = ChecklistItem.objects.get(stage__pathway=v2, key="need.problem")
    assert item.help_da == "Ny hjælp: hvem mærker problemet?"
    # v1 is untouched, and the old project keeps it
    assert ChecklistItem.objects.get(stage__pathway=north_copy, key="need.problem").help_da == (
        "Hvem har problemet?"
    )
    old_project.refresh_from_db()
    assert old_project.pathway == north_copy
    # a new project of the region starts on v2
    form = ProjectForm(organisation=regions.clinician.organisation)
    offered = list(form.fields["pathway"].queryset)
    assert v2 in offered and north_copy not in offered
    assert all(p.slug != "test-pathway" for p in offered)  # the copy replaces its origin
    assert _project(regions.clinician, v2).pathway == v2
    actions = list(draft.events.values_list("action", "by__username"))
    assert actions == [
        (DraftEvent.Action.CREATED, "nord1"),
        (DraftEvent.Action.EDITED, "nord1"),
        (DraftEvent.Action.APPROVAL_REQUESTED, "nord1"),
        (DraftEvent.Action.PUBLISHED, "nord2"),
    ]


def test_other_regions_keep_the_national_version(regions, pathway, north_copy):
    south_user = regions.south_editor
    assert [p.slug for p in available_pathways(south_user.organisation)] == ["test-pathway"]
    with pytest.raises(ValidationError):
        _project(south_user, north_copy)  # not the south's pathway


def test_editor_of_another_region_is_refused(regions, north_copy):
    with pytest.raises(PermissionDenied):
        services.start_draft(by=regions.south_editor, pathway=north_copy)
    draft = services.start_draft(by=regions.north_editor, pathway=north_copy)
    with pytest.raises(PermissionDenied):
        _new_help(draft, regions.south_editor)
    assert PathwayDraft.objects.get(pk=draft.pk).content == draft.content
    assert draft.events.count() == 1


def test_only_administrators_edit_the_national_seed(regions, pathway):
    with pytest.raises(PermissionDenied):
        services.start_draft(by=regions.north_editor, pathway=pathway)


def test_a_draft_with_problems_cannot_be_sent(regions, north_copy):
    draft = services.start_draft(by=regions.north_editor, pathway=north_copy)
    _, item = find_item(draft.content, "need.problem")
    services.update_item(
        by=regions.north_editor, draft=draft, key="need.problem", item={**item, "role": "chef"}
    )
    with pytest.raises(ValidationError):
        services.request_approval(by=regions.north_editor, draft=draft)
    assert PathwayDraft.objects.get(pk=draft.pk).status == DraftStatus.EDITING


def test_edits_are_refused_while_awaiting_approval(regions, north_copy):
    draft = services.start_draft(by=regions.north_editor, pathway=north_copy)
    services.request_approval(by=regions.north_editor, draft=draft)
    with pytest.raises(ValidationError):
        _new_help(draft, regions.north_editor2)
    services.return_for_editing(by=regions.north_editor2, draft=draft, note="Tjek teksten")
    _new_help(draft, regions.north_editor2)
    # the returner may now ask, and the first editor approve
    v2 = publish(draft, requester=regions.north_editor2, approver=regions.north_editor)
    assert v2.version == 2


def test_one_open_draft_per_pathway(regions, north_copy):
    services.start_draft(by=regions.north_editor, pathway=north_copy)
    with pytest.raises(ValidationError):
        services.start_draft(by=regions.north_editor2, pathway=north_copy)


def test_a_stale_draft_is_not_published(regions, north_copy):
    draft = services.start_draft(by=regions.north_editor, pathway=north_copy)
    _new_help(draft, regions.north_editor)
    services.request_approval(by=regions.north_editor, draft=draft)
    # a version 2 appears some other way (here: written directly, as a file load would)
    parsed = parse_content(pathway_content(north_copy), slug="test-nord", version=2)
    create_pathway(parsed, organisation=regions.north)
    with pytest.raises(ValidationError):
        services.approve_and_publish(by=regions.north_editor2, draft=draft)
    assert Pathway.objects.filter(slug="test-nord").count() == 2
    assert PathwayDraft.objects.get(pk=draft.pk).status == DraftStatus.APPROVAL_REQUESTED


def test_published_checksum_is_the_export(regions, north_copy):
    from authoring.content import content_checksum

    content = pathway_content(north_copy)
    assert north_copy.checksum == content_checksum(content, slug="test-nord", version=1)
