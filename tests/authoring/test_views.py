"""The authoring pages: who may open and change them, and the journey through the browser."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from authoring import services
from authoring.content import dump_yaml, find_item, pathway_content
from authoring.models import DraftEvent, DraftStatus, PathwayDraft
from checklists.models import ChecklistItem, Pathway
from procurement.models import Project

from .conftest import publish


@pytest.fixture
def draft(regions, north_copy) -> PathwayDraft:
    return services.start_draft(by=regions.north_editor, pathway=north_copy)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _item_post(draft, key, **changes) -> dict:
    from authoring.forms import ItemForm

    _, item = find_item(draft.content, key)
    data = {k: v for k, v in ItemForm.initial_from(item).items() if v not in (None, False)}
    data.update(changes)
    return data


def test_non_editors_get_403_and_nothing_is_written(regions, draft):
    reader, south = _client(regions.reader), _client(regions.south_editor)
    item_url = reverse("authoring_item", args=[draft.pk, "need.problem"])
    assert reader.get(reverse("authoring_index")).status_code == 403
    for client in (reader, south):
        assert client.get(reverse("authoring_draft", args=[draft.pk])).status_code == 403
        response = client.post(item_url, _item_post(draft, "need.problem", help_da="Hack"))
        assert response.status_code == 403
        assert client.post(reverse("authoring_request", args=[draft.pk])).status_code == 403
    fresh = PathwayDraft.objects.get(pk=draft.pk)
    assert fresh.content == draft.content and fresh.status == DraftStatus.EDITING
    assert fresh.events.count() == 1


def test_anonymous_is_sent_to_login(db, draft):
    response = Client().get(reverse("authoring_draft", args=[draft.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_state_changing_views_refuse_get(regions, draft):
    client = _client(regions.north_editor)
    for name in ("authoring_request", "authoring_publish", "authoring_discard", "authoring_import"):
        assert client.get(reverse(name, args=[draft.pk])).status_code == 405


def test_forms_need_the_csrf_token(regions, draft):
    client = Client(enforce_csrf_checks=True)
    client.force_login(regions.north_editor)
    assert client.post(reverse("authoring_request", args=[draft.pk])).status_code == 403
    assert PathwayDraft.objects.get(pk=draft.pk).status == DraftStatus.EDITING


def test_the_editing_link_is_shown_to_editors_only(regions, draft):
    url = reverse("authoring_index")
    assert url in _client(regions.north_editor).get(reverse("guide_index")).content.decode()
    assert url not in _client(regions.reader).get(reverse("guide_index")).content.decode()
    assert url not in Client().get(reverse("guide_index")).content.decode()


def test_change_a_help_text_and_publish_in_the_browser(regions, north_copy):
    editor, second = _client(regions.north_editor), _client(regions.north_editor2)
    old = Project.objects.create(
        organisation=regions.hospital, pathway=north_copy, title="Gammelt", owner=regions.clinician,
        state="need",
    )  # fmt: skip
    index = editor.get(reverse("authoring_index"))
    assert index.status_code == 200 and "test-nord" in index.content.decode()
    response = editor.post(reverse("authoring_edit", args=["test-nord", 1]))
    draft = PathwayDraft.objects.get(slug="test-nord", status=DraftStatus.EDITING)
    assert response["Location"] == reverse("authoring_draft", args=[draft.pk])

    url = reverse("authoring_item", args=[draft.pk, "need.problem"])
    assert editor.get(url).status_code == 200
    response = editor.post(url, _item_post(draft, "need.problem", help_da="Ny hjælp i browseren"))
    assert response.status_code == 302
    page = editor.get(reverse("authoring_draft", args=[draft.pk])).content.decode()
    assert "Ny hjælp i browseren" in page  # the diff against version 1
    preview = editor.get(reverse("authoring_preview", args=[draft.pk])).content.decode()
    assert "Ny hjælp i browseren" in preview

    editor.post(reverse("authoring_request", args=[draft.pk]))
    editor.post(reverse("authoring_publish", args=[draft.pk]))  # four-eyes: refused
    assert not Pathway.objects.filter(slug="test-nord", version=2).exists()
    second.post(reverse("authoring_publish", args=[draft.pk]))
    v2 = Pathway.objects.get(slug="test-nord", version=2)
    assert ChecklistItem.objects.get(stage__pathway=v2, key="need.problem").help_da == (
        "Ny hjælp i browseren"
    )
    # a new project of the region, through the new-project form, starts on version 2
    clinician = _client(regions.clinician)
    form_page = clinician.get(reverse("project_create")).content.decode()
    assert f'value="{v2.pk}"' in form_page and f'value="{north_copy.pk}"' not in form_page
    clinician.post(
        reverse("project_create"),
        {"title": "Nyt", "clinical_need": "Behov.", "department": "Afd.", "pathway": v2.pk},
    )
    assert Project.objects.get(title="Nyt").pathway == v2
    old.refresh_from_db()
    assert old.pathway == north_copy


def test_a_pathway_of_another_region_cannot_be_posted_in_the_new_project_form(regions, north_copy):
    south = _client(regions.south_editor)
    south.post(
        reverse("project_create"),
        {
            "title": "Snyd",
            "clinical_need": "Behov.",
            "department": "Afd.",
            "pathway": north_copy.pk,
        },
    )
    assert not Project.objects.filter(title="Snyd").exists()


def test_item_problems_are_shown_at_the_item(regions, draft):
    editor = _client(regions.north_editor)
    editor.post(
        reverse("authoring_item", args=[draft.pk, "need.problem"]),
        _item_post(draft, "need.problem", condition="legal.personal_data = yes"),
    )
    page = editor.get(reverse("authoring_draft", args=[draft.pk])).content.decode()
    assert "not an item earlier in the pathway" in page
    item_page = editor.get(reverse("authoring_item", args=[draft.pk, "need.problem"]))
    assert "not an item earlier in the pathway" in item_page.content.decode()
    assert editor.post(reverse("authoring_request", args=[draft.pk])).status_code == 302
    assert PathwayDraft.objects.get(pk=draft.pk).status == DraftStatus.EDITING


def test_add_and_remove_an_item(regions, draft):
    editor = _client(regions.north_editor)
    editor.post(
        reverse("authoring_item_new", args=[draft.pk, "need"]),
        {"key": "need.budget", "text_da": "Budget", "text_en": "Budget", "role": "clinician",
         "type": "number"},
    )  # fmt: skip
    draft.refresh_from_db()
    assert find_item(draft.content, "need.budget")[1]["text"] == {"da": "Budget", "en": "Budget"}
    editor.post(reverse("authoring_item_delete", args=[draft.pk, "need.budget"]))
    draft.refresh_from_db()
    assert find_item(draft.content, "need.budget") == (None, None)


def test_edit_a_stage(regions, draft):
    editor = _client(regions.north_editor)
    url = reverse("authoring_stage", args=[draft.pk, "need"])
    assert editor.get(url).status_code == 200
    editor.post(
        url,
        {"name_da": "Behov", "name_en": "Need", "responsible_body": "strategy_groups",
         "roles": ["clinician"]},
    )  # fmt: skip
    draft.refresh_from_db()
    stage = draft.content["stages"][0]
    assert stage["name"] == {"da": "Behov", "en": "Need"} and "purpose" not in stage
    assert stage["items"]  # the items stay


def test_export_then_import_round_trip(regions, draft, north_copy):
    editor = _client(regions.north_editor)
    exported = editor.get(reverse("authoring_version_export", args=["test-nord", 1]))
    assert exported["Content-Disposition"] == 'attachment; filename="test-nord.v1.yaml"'
    assert exported.content == dump_yaml(pathway_content(north_copy), slug="test-nord", version=1)
    text = exported.content.decode().replace("Hvem har problemet?", "Hvem mærker problemet?")
    upload = SimpleUploadedFile("test-nord.v1.yaml", text.encode(), "application/yaml")
    editor.post(reverse("authoring_import", args=[draft.pk]), {"file": upload})
    draft.refresh_from_db()
    assert find_item(draft.content, "need.problem")[1]["help"]["da"] == "Hvem mærker problemet?"
    assert draft.events.filter(action=DraftEvent.Action.IMPORTED).count() == 1
    draft_export = editor.get(reverse("authoring_draft_export", args=[draft.pk]))
    assert draft_export.content.startswith(b"slug: test-nord\nversion: 2\n")


def test_a_bad_import_is_refused_with_its_problems_named(regions, draft):
    editor = _client(regions.north_editor)
    text = dump_yaml(draft.content, slug="test-nord", version=2).decode()
    text = text.replace("role: lawyer", "role: chef", 1)
    upload = SimpleUploadedFile("x.yaml", text.encode())
    response = editor.post(
        reverse("authoring_import", args=[draft.pk]), {"file": upload}, follow=True
    )
    assert "legal.personal_data: role must be one of" in response.content.decode()
    for raw in (b"- just a list", b"{bad yaml", b"x" * (services.MAX_IMPORT_BYTES + 1)):
        editor.post(
            reverse("authoring_import", args=[draft.pk]),
            {"file": SimpleUploadedFile("x.yaml", raw)},
        )
    fresh = PathwayDraft.objects.get(pk=draft.pk)
    assert fresh.content == draft.content
    assert not fresh.events.filter(action=DraftEvent.Action.IMPORTED).exists()


def test_share_adopt_and_merge_in_the_browser(regions, north_copy):
    north, south = _client(regions.north_editor), _client(regions.south_editor)
    assert south.get(reverse("authoring_adopt", args=["test-nord", 1])).status_code == 403
    north.post(reverse("authoring_share", args=["test-nord", 1]), {"shared": "1"})
    assert "test-nord" in south.get(reverse("authoring_index")).content.decode()
    south.post(
        reverse("authoring_adopt", args=["test-nord", 1]),
        {"organisation": regions.south.pk, "slug": "test-syd"},
    )
    draft = PathwayDraft.objects.get(slug="test-syd")
    assert draft.origin == north_copy and draft.organisation == regions.south
    page = south.get(reverse("authoring_draft", args=[draft.pk])).content.decode()
    assert "kladde til version 1" in page and "Ingen ændringer." in page
    south_v1 = publish(draft, requester=regions.south_editor, approver=regions.south_editor2)

    north_draft = services.start_draft(by=regions.north_editor, pathway=north_copy)
    _, item = find_item(north_draft.content, "need.problem")
    services.update_item(
        by=regions.north_editor, draft=north_draft, key="need.problem",
        item={**item, "help": {"da": "Nordens nye hjælp", "en": "North's new help"}},
    )  # fmt: skip
    north_v2 = publish(north_draft, requester=regions.north_editor, approver=regions.north_editor2)
    north.post(reverse("authoring_share", args=["test-nord", 2]), {"shared": "1"})

    index = south.get(reverse("authoring_index")).content.decode()
    assert reverse("authoring_origin_update", args=["test-syd"]) in index
    assert "En nyere version fra Region Nord: version 2." in index
    update = south.get(reverse("authoring_origin_update", args=["test-syd"])).content.decode()
    assert "Region Nord" in update and "Nordens nye hjælp" in update
    south.post(reverse("authoring_merge", args=["test-syd"]))
    merge = PathwayDraft.objects.get(slug="test-syd", status=DraftStatus.EDITING)
    assert merge.base == south_v1 and merge.origin == north_v2
    assert find_item(merge.content, "need.problem")[1]["help"]["da"] == "Nordens nye hjælp"
    page = south.get(reverse("authoring_draft", args=[merge.pk])).content.decode()
    assert "Nordens nye hjælp" in page  # the diff against the south's version 1


def test_add_move_and_remove_a_stage_and_its_items(regions, draft):
    editor = _client(regions.north_editor)
    assert editor.get(reverse("authoring_stage_new", args=[draft.pk])).status_code == 200
    editor.post(
        reverse("authoring_stage_new", args=[draft.pk]),
        {"key": "pilot", "name_da": "Pilot", "name_en": "Pilot",
         "responsible_body": "strategy_groups"},
    )  # fmt: skip
    draft.refresh_from_db()
    assert draft.content["stages"][-1] == {
        "key": "pilot", "name": {"da": "Pilot", "en": "Pilot"},
        "responsible_body": "strategy_groups", "items": [],
    }  # fmt: skip
    page = editor.get(reverse("authoring_draft", args=[draft.pk])).content.decode()
    assert "stage pilot: &#x27;items&#x27; must be a non-empty list" in page
    editor.post(reverse("authoring_stage_delete", args=[draft.pk, "pilot"]))
    move = reverse("authoring_item_move", args=[draft.pk, "need.patients_per_year"])
    editor.post(move, {"direction": "up"})
    draft.refresh_from_db()
    assert [s["key"] for s in draft.content["stages"]] == ["need", "legal", "monitoring"]
    assert [i["key"] for i in draft.content["stages"][0]["items"]] == [
        "need.patients_per_year",
        "need.problem",
    ]
    assert reader_cannot(regions, move)


def reader_cannot(regions, url) -> bool:
    return _client(regions.reader).post(url, {"direction": "up"}).status_code == 403


def test_an_adopted_copy_needs_a_file_name_slug(regions, north_copy):
    services.set_shared(by=regions.north_editor, pathway=north_copy, shared=True)
    south = _client(regions.south_editor)
    url = reverse("authoring_adopt", args=["test-nord", 1])
    response = south.post(url, {"organisation": regions.south.pk, "slug": "Test_Syd"})
    assert response.status_code == 200
    # an organisation the person does not edit is not offered
    south.post(url, {"organisation": regions.north.pk, "slug": "test-syd"})
    assert not PathwayDraft.objects.filter(organisation=regions.south).exists()
    assert not PathwayDraft.objects.filter(slug__in=["Test_Syd", "test-syd"]).exists()
