"""A region shares a version, another adopts it, and later merges the publisher's newer one."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from authoring import services
from authoring.content import find_item
from authoring.models import DraftEvent, PathwayDraft
from authoring.selectors import adoptable_versions, editable_pathways
from checklists.models import ChecklistItem, Pathway

from .conftest import publish


def _set_help(draft, by, key, da):
    _, item = find_item(draft.content, key)
    item = {**item, "help": {"da": da, "en": da}}
    return services.update_item(by=by, draft=draft, key=key, item=item)


def _north_v2(regions, north_copy, help_da="Nordens nye hjælp"):
    draft = services.start_draft(by=regions.north_editor, pathway=north_copy)
    _set_help(draft, regions.north_editor, "need.problem", help_da)
    v2 = publish(draft, requester=regions.north_editor, approver=regions.north_editor2)
    return services.set_shared(by=regions.north_editor, pathway=v2, shared=True)


@pytest.fixture
def south_copy(regions, north_copy) -> Pathway:
    services.set_shared(by=regions.north_editor, pathway=north_copy, shared=True)
    draft = services.adopt(
        by=regions.south_editor, pathway=north_copy, organisation=regions.south, slug="test-syd"
    )
    return publish(draft, requester=regions.south_editor, approver=regions.south_editor2)


def test_a_version_is_adoptable_only_when_shared(regions, north_copy):
    assert north_copy not in adoptable_versions(regions.south_editor)
    with pytest.raises(ValidationError):
        services.adopt(
            by=regions.south_editor, pathway=north_copy, organisation=regions.south, slug="x"
        )
    assert not PathwayDraft.objects.filter(slug="x").exists()
    services.set_shared(by=regions.north_editor, pathway=north_copy, shared=True)
    assert north_copy in adoptable_versions(regions.south_editor)
    # the publisher's own editors do not adopt their own pathway
    assert north_copy not in adoptable_versions(regions.north_editor)


def test_only_the_owners_editors_share(regions, north_copy):
    with pytest.raises(PermissionDenied):
        services.set_shared(by=regions.south_editor, pathway=north_copy, shared=True)
    assert not Pathway.objects.get(pk=north_copy.pk).shared


def test_adopting_for_another_organisation_is_refused(regions, north_copy):
    services.set_shared(by=regions.north_editor, pathway=north_copy, shared=True)
    with pytest.raises(PermissionDenied):
        services.adopt(
            by=regions.north_editor, pathway=north_copy, organisation=regions.south, slug="y"
        )


def test_adopted_copy_names_its_publisher(regions, north_copy, south_copy):
    assert south_copy.organisation == regions.south
    assert south_copy.origin_organisation == regions.north
    assert (south_copy.origin_slug, south_copy.origin_version) == ("test-nord", 1)
    assert south_copy.origin_checksum == north_copy.checksum
    assert services.newer_origin(south_copy) is None


def test_merge_without_conflict(regions, north_copy, south_copy):
    # the south adapts another item locally first
    draft = services.start_draft(by=regions.south_editor, pathway=south_copy)
    _set_help(draft, regions.south_editor, "legal.hosting", "Sydens egen hjælp")
    south_v2 = publish(draft, requester=regions.south_editor, approver=regions.south_editor2)

    north_v2 = _north_v2(regions, north_copy)
    [row] = [r for r in editable_pathways(regions.south_editor) if r.pathway.slug == "test-syd"]
    assert row.newer == north_v2

    merge = services.start_merge(by=regions.south_editor, pathway=south_v2)
    assert merge.base == south_v2 and merge.origin == north_v2
    assert merge.conflicts == []
    assert merge.events.get().action == DraftEvent.Action.MERGED
    south_v3 = publish(merge, requester=regions.south_editor, approver=regions.south_editor2)
    helps = dict(
        ChecklistItem.objects.filter(stage__pathway=south_v3).values_list("key", "help_da")
    )
    assert helps["need.problem"] == "Nordens nye hjælp"
    assert helps["legal.hosting"] == "Sydens egen hjælp"
    assert (south_v3.origin_slug, south_v3.origin_version) == ("test-nord", 2)
    assert south_v3.origin_checksum == north_v2.checksum
    assert services.newer_origin(south_v3) is None


def test_merge_with_conflict_keeps_the_local_text(regions, north_copy, south_copy):
    draft = services.start_draft(by=regions.south_editor, pathway=south_copy)
    _set_help(draft, regions.south_editor, "need.problem", "Sydens hjælp")
    south_v2 = publish(draft, requester=regions.south_editor, approver=regions.south_editor2)
    _north_v2(regions, north_copy)

    merge = services.start_merge(by=regions.south_editor, pathway=south_v2)
    [conflict] = merge.conflicts
    assert conflict["key"] == "need.problem" and conflict["field"] == "help"
    assert conflict["local"]["da"] == "Sydens hjælp"
    assert conflict["theirs"]["da"] == "Nordens nye hjælp"
    _, item = find_item(merge.content, "need.problem")
    assert item["help"]["da"] == "Sydens hjælp"


def test_an_unshared_newer_version_is_not_offered(regions, north_copy, south_copy):
    draft = services.start_draft(by=regions.north_editor, pathway=north_copy)
    publish(draft, requester=regions.north_editor, approver=regions.north_editor2)  # not shared
    assert services.newer_origin(south_copy) is None
    with pytest.raises(ValidationError):
        services.start_merge(by=regions.south_editor, pathway=south_copy)
    assert not PathwayDraft.objects.filter(slug="test-syd", status="editing").exists()


def test_a_national_copy_sees_a_newer_national_version(regions, pathway, north_copy):
    from checklists.loading import load_pathways
    from tests.personas import FIXTURES

    load_pathways([FIXTURES / "test-pathway.v2.yaml"])
    newer = services.newer_origin(north_copy)
    assert (newer.slug, newer.version) == ("test-pathway", 2)
    merge = services.start_merge(by=regions.north_editor, pathway=north_copy)
    assert merge.origin == newer


def test_a_conflict_is_decided_for_the_publishers_text(regions, north_copy, south_copy):
    draft = services.start_draft(by=regions.south_editor, pathway=south_copy)
    _set_help(draft, regions.south_editor, "need.problem", "Sydens hjælp")
    south_v2 = publish(draft, requester=regions.south_editor, approver=regions.south_editor2)
    _north_v2(regions, north_copy)
    merge = services.start_merge(by=regions.south_editor, pathway=south_v2)
    with pytest.raises(PermissionDenied):
        services.decide_conflict(by=regions.north_editor, draft=merge, index=0, take_theirs=True)
    with pytest.raises(ValidationError):
        services.decide_conflict(by=regions.south_editor, draft=merge, index=5, take_theirs=True)
    merge = services.decide_conflict(
        by=regions.south_editor, draft=merge, index=0, take_theirs=True
    )
    assert merge.conflicts == []
    assert find_item(merge.content, "need.problem")[1]["help"]["da"] == "Nordens nye hjælp"
    south_v3 = publish(merge, requester=regions.south_editor2, approver=regions.south_editor)
    assert south_v3.origin_version == 2
