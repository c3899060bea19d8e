"""Issue 20, the law as of December 2026: the new pathway versions say why each item changed,
the upgrade preview shows it, every cited link is https and on the maintained list of checked
links, and the guide's sources page shows that list."""

from datetime import date
from pathlib import Path

import pytest
import yaml
from django.urls import reverse
from django.utils import translation

from checklists.checked_links import CheckedLinksError, checked_links, parse_checked_links
from checklists.loading import (
    PATHWAY_DIR,
    PathwayFileError,
    discover_files,
    load_pathways,
    parse_pathway_file,
)
from checklists.models import Pathway
from procurement.pathway_change import plan_pathway_change
from tests.module_data import module_data
from tests.personas import make_team

DEFAULT = "indkoeb-ce-maerket-ai"
FAST_TRACK = "fast-track-validering"
COMPARED = (
    "text_da", "text_en", "help_da", "help_en", "role", "answer_type", "required", "choices",
    "condition", "required_when", "signoff_role", "sources",
)  # fmt: skip


def items_of(name: str) -> dict[str, dict]:
    parsed = parse_pathway_file(PATHWAY_DIR / name)
    return {item["key"]: item for stage in parsed["stages"] for item in stage["items"]}


def source_urls(path: Path) -> set[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        source.get("url", "")
        for stage in data["stages"]
        for item in stage["items"]
        for source in item.get("sources", [])
    }


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (f"{DEFAULT}.v2.yaml", f"{DEFAULT}.v3.yaml"),
        (f"{FAST_TRACK}.v1.yaml", f"{FAST_TRACK}.v2.yaml"),
    ],
)
def test_every_added_or_changed_item_says_why_and_no_other_does(old, new):
    before, after = items_of(old), items_of(new)
    changed = {
        key
        for key, item in after.items()
        if key not in before or any(before[key][f] != item[f] for f in COMPARED)
    }
    noted = {key for key, item in after.items() if item["change_note_da"]}
    assert changed == noted
    assert all(after[key]["change_note_en"] for key in noted)
    assert set(before) <= set(after)  # nothing removed, so no answer is archived


def test_version_5_says_why_each_of_its_changes_was_made():
    """Version 4 carried version 3's notes on unchanged items; what version 5 adds or changes must
    say why, and nothing is removed."""
    before, after = items_of(f"{DEFAULT}.v4.yaml"), items_of(f"{DEFAULT}.v5.yaml")
    changed = {
        key
        for key, item in after.items()
        if key not in before or any(before[key][f] != item[f] for f in COMPARED)
    }
    assert changed >= {"legal.data_locations", "legal.third_country_transfer"}
    for key in changed:
        assert after[key]["change_note_da"] and after[key]["change_note_en"], key
        if key in before:
            assert after[key]["change_note_da"] != before[key]["change_note_da"], key
    assert set(before) <= set(after)


def test_the_new_versions_state_the_law_of_december_2026():
    v3 = items_of(f"{DEFAULT}.v3.yaml")
    dates = v3["legal.classification_confirmed"]["help_da"]
    assert "2. december 2027" in dates and "2. august 2028" in dates and "2026/1744" in dates
    assert "Digital Omnibus" not in dates and "ikke bekræftet" not in dates
    approvals = v3["approvals.validation_classification"]
    assert {c["key"] for c in approvals["choices"]} >= {"clinical_investigation"}
    for text in ("§ 42 d, stk. 2, nr. 2", "§ 46, stk. 2", "§ 14, stk. 2", "Lægemiddelstyrelsen"):
        assert text in approvals["help_da"], text
    basis = v3["legal.national_legal_basis"]["help_da"]
    assert "§ 7, stk. 3" in basis and "autorisationslovens § 21" in basis
    assert "beslutningsstøtte ved patientbehandling" in basis
    scribe = v3["legal.scribe_legal_basis"]["help_da"]
    assert "kommunal" in scribe and "litra h" in scribe
    assert "§ 30" in v3["agreement.procurement_check"]["help_da"]
    assert "§ 40" in v3["market_dialogue.equal_treatment"]["help_da"]
    assert "§§ 191–193" in v3["tender_operation.procedure_justification"]["help_da"]
    for key in ("legal.in_house_device", "legal.art6_3_narrow_task", "legal.evaluation_or_scoring"):
        assert v3[key]["key"].startswith("legal."), key
    fast = items_of(f"{FAST_TRACK}.v2.yaml")
    assert "2. august 2028" in fast["legal.ai_act_preliminary"]["help_da"]
    assert fast["approvals.ethics_committee"]["condition"]["values"] == [
        "research",
        "clinical_investigation",
    ]


def test_every_source_in_every_pathway_file_is_https():
    for path in discover_files():
        for url in source_urls(path):
            assert url.startswith("https://"), f"{path.name}: {url!r}"


def test_every_link_the_latest_versions_cite_is_on_the_checked_list():
    listed = {link.url for link in checked_links()}
    for name in (f"{DEFAULT}.v3.yaml", f"{FAST_TRACK}.v2.yaml"):
        missing = source_urls(PATHWAY_DIR / name) - listed
        assert not missing, f"{name}: add to checklists/checked_links.yaml: {sorted(missing)}"
    bare = {"https://www.kfst.dk", "https://www.datatilsynet.dk", "https://digst.dk"}
    assert not bare & listed, "home pages should be deep links to the guidance meant"
    for link in checked_links():
        assert link.url.startswith("https://") and link.checked <= date(2026, 12, 31)
        assert link.what_da and link.what_en


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("links: [{url: 'http://x.dk', what: {da: a, en: b}, checked: 2026-12-01, "
         "status: found}]", "must start with https://"),
        ("links: [{url: 'https://x.dk', what: {da: a}, checked: 2026-12-01, status: found}]",
         "'what' needs 'da' and 'en'"),
        ("links: [{url: 'https://x.dk', what: {da: a, en: b}, checked: 2026-12-01, "
         "status: live}]", "status must be one of"),
        ("links: [{url: 'https://x.dk', what: {da: a, en: b}, checked: soon, status: found}]",
         "must be a date"),
    ],
)  # fmt: skip
def test_checked_links_file_is_validated(text, message):
    with pytest.raises(CheckedLinksError, match=message):
        parse_checked_links(text)


def write(tmp_path, version: int, note: dict | None) -> Path:
    item = {"key": "need.problem", "text": {"da": "Problem?", "en": "Problem?"},
            "role": "clinician", "type": "text"}  # fmt: skip
    if note is not None:
        item["change_note"] = note
    data = {
        "slug": "note-pathway",
        "version": version,
        "name": {"da": "N", "en": "N"},
        "stages": [
            {
                "key": "need",
                "name": {"da": "Behov", "en": "Need"},
                "responsible_body": "strategy_groups",
                "items": [item],
            }
        ],
    }
    path = tmp_path / f"note-pathway.v{version}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_loader_validates_change_notes(tmp_path):
    parsed = parse_pathway_file(write(tmp_path, 2, {"da": "Ny", "en": "New"}))
    assert parsed["stages"][0]["items"][0]["change_note_en"] == "New"
    with pytest.raises(PathwayFileError, match="change_note' is missing its en text"):
        parse_pathway_file(write(tmp_path, 2, {"da": "Ny"}))
    with pytest.raises(PathwayFileError, match="a first version has nothing to note"):
        parse_pathway_file(write(tmp_path, 1, {"da": "Ny", "en": "New"}))


shipped_once = module_data(lambda: load_pathways(discover_files()))


@pytest.fixture
def shipped(db, shipped_once):
    """The shipped pathways, loaded once for the module."""


def test_upgrade_preview_from_v2_to_v3_shows_what_changed_and_why(client, shipped):
    v2 = Pathway.objects.get(slug=DEFAULT, version=2)
    v3 = Pathway.latest(DEFAULT)
    team = make_team(v2)
    plan = plan_pathway_change(team.project, v3)
    assert {c.key for c in plan.added} >= {"legal.in_house_device", "legal.evaluation_or_scoring"}
    changed = {c.key: c for c in plan.changed}
    assert "approvals.validation_classification" in changed
    assert not plan.removed
    client.force_login(team.clinician)
    with translation.override("da"):
        body = client.get(reverse("project_upgrade", args=[team.project.pk])).content.decode()
    row = body.split('data-key="approvals.validation_classification"')[1].split("</tr>")[0]
    assert "regionsrådets godkendelse" in row and "change-note" in row
    row = body.split('data-key="legal.in_house_device"')[1].split("</tr>")[0]
    assert "MDR art. 5, stk. 5" in row


def test_sources_page_is_public_and_linked_from_the_guide(client, shipped):
    index = client.get(reverse("guide_index")).content.decode()
    assert reverse("guide_sources") in index
    guide = client.get(reverse("guide", args=[DEFAULT])).content.decode()
    assert reverse("guide_sources") in guide
    response = client.get(reverse("guide_sources"))
    assert response.status_code == 200
    body = response.content.decode()
    for link in checked_links():
        assert f'href="{link.url}"' in body
    assert 'datetime="2026-12-01"' in body
    assert "stored copies" not in body  # Danish by default
    assert client.post(reverse("guide_sources")).status_code == 405
