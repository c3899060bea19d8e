"""The content functions: export round trip, validation named at the item, diff, merge."""

import copy

import pytest

from authoring.content import (
    content_problems,
    diff_content,
    dump_yaml,
    merge_content,
    parse_content,
    pathway_content,
)
from checklists.loading import PATHWAY_DIR, discover_files, load_pathways, parse_pathway_file
from checklists.models import Pathway


def _comparable(parsed: dict) -> dict:
    return {k: v for k, v in parsed.items() if k not in ("checksum", "source_file")}


@pytest.mark.django_db
def test_export_of_every_shipped_version_parses_to_the_same_content():
    load_pathways()
    paths = discover_files(PATHWAY_DIR)
    assert len(paths) >= 2
    for path in paths:
        original = parse_pathway_file(path)
        pathway = Pathway.objects.get(slug=original["slug"], version=original["version"])
        exported = pathway_content(pathway)
        again = parse_content(exported, slug=pathway.slug, version=pathway.version)
        assert _comparable(again) == _comparable(original), path.name


@pytest.fixture
def content(pathway) -> dict:
    return pathway_content(pathway)


def _item(content, key):
    return next(i for s in content["stages"] for i in s["items"] if i["key"] == key)


def test_valid_content_has_no_problems(content):
    assert content_problems(content, slug="test-pathway", version=2) == []


def test_every_problem_is_named_at_its_item(content):
    # a condition on a later item, and an unknown role, in two different stages
    _item(content, "need.problem")["condition"] = {"item": "legal.personal_data", "equals": "yes"}
    _item(content, "legal.hosting")["role"] = "chef"
    _item(content, "legal.dpia")["signoff"] = "boss"
    problems = content_problems(content, slug="test-pathway", version=2)
    by_key = {p.key: p.message for p in problems}
    assert set(by_key) == {"need.problem", "legal.hosting", "legal.dpia"}
    assert "not an item earlier in the pathway" in by_key["need.problem"]
    assert "role must be one of" in by_key["legal.hosting"]
    assert "signoff must be one of" in by_key["legal.dpia"]
    assert not any(p.message.startswith("test-pathway.v2.yaml") for p in problems)


def test_a_change_note_is_refused_on_a_first_version(content):
    _item(content, "need.problem")["change_note"] = {"da": "Ny", "en": "New"}
    [problem] = content_problems(content, slug="copy", version=1)
    assert problem.key == "need.problem"


def test_dump_is_stable_and_names_slug_and_version(content):
    raw = dump_yaml(content, slug="x", version=3)
    assert raw.startswith(b"slug: x\nversion: 3\n")
    assert raw == dump_yaml(copy.deepcopy(content), slug="x", version=3)


# --- diff ---


def test_diff_names_changed_added_and_removed(content):
    new = copy.deepcopy(content)
    _item(new, "need.problem")["help"] = {"da": "Ny", "en": "New"}
    new["stages"][0]["items"].append(
        {"key": "need.extra", "text": {"da": "Ekstra", "en": "Extra"}, "role": "clinician",
         "type": "text"}
    )  # fmt: skip
    new["stages"][1]["items"] = [i for i in new["stages"][1]["items"] if i["key"] != "legal.link"]
    new["name"] = {"da": "Nyt navn", "en": "New name"}
    diff = diff_content(content, new)
    assert [(c.field, c.new) for c in diff.pathway] == [
        ("name", {"da": "Nyt navn", "en": "New name"})
    ]
    changes = {(s.key, i.key): i for s in diff.stages for i in s.items}
    assert changes[("need", "need.problem")].status == "changed"
    assert [f.field for f in changes[("need", "need.problem")].fields] == ["help"]
    assert changes[("need", "need.extra")].status == "added"
    assert changes[("legal", "legal.link")].status == "removed"
    assert diff.item_keys() == {"need.problem", "need.extra", "legal.link"}


def test_no_diff_between_equal_contents(content):
    assert not diff_content(content, copy.deepcopy(content))


def test_diff_treats_missing_and_empty_alike(content):
    new = copy.deepcopy(content)
    _item(new, "need.patients_per_year")["sources"] = []
    _item(new, "need.patients_per_year")["required"] = False
    assert not diff_content(content, new)


# --- merge ---


def test_merge_applies_the_publishers_changes(content):
    base = content
    theirs = copy.deepcopy(base)
    _item(theirs, "need.problem")["help"] = {"da": "Udgiverens hjælp", "en": "Publisher's help"}
    theirs["stages"][0]["items"].insert(
        1, {"key": "need.new", "text": {"da": "Nyt", "en": "New"}, "role": "clinician",
            "type": "text"}
    )  # fmt: skip
    theirs["stages"][1]["items"] = [
        i for i in theirs["stages"][1]["items"] if i["key"] != "legal.link"
    ]
    local = copy.deepcopy(base)
    _item(local, "legal.hosting")["help"] = {"da": "Lokal", "en": "Local"}
    merged, conflicts = merge_content(base, theirs, local)
    assert conflicts == []
    assert _item(merged, "need.problem")["help"]["da"] == "Udgiverens hjælp"
    assert _item(merged, "legal.hosting")["help"]["da"] == "Lokal"
    assert [i["key"] for i in merged["stages"][0]["items"]] == [
        "need.problem",
        "need.new",
        "need.patients_per_year",
    ]
    assert "legal.link" not in [i["key"] for i in merged["stages"][1]["items"]]


def test_merge_keeps_the_local_text_on_a_conflict(content):
    base = content
    theirs = copy.deepcopy(base)
    _item(theirs, "need.problem")["help"] = {"da": "Udgiver", "en": "Publisher"}
    local = copy.deepcopy(base)
    _item(local, "need.problem")["help"] = {"da": "Lokal", "en": "Local"}
    merged, conflicts = merge_content(base, theirs, local)
    assert _item(merged, "need.problem")["help"]["da"] == "Lokal"
    assert conflicts == [
        {
            "key": "need.problem",
            "field": "help",
            "local": {"da": "Lokal", "en": "Local"},
            "theirs": {"da": "Udgiver", "en": "Publisher"},
        }
    ]


def test_merge_keeps_a_locally_changed_item_the_publisher_removed(content):
    base = content
    theirs = copy.deepcopy(base)
    theirs["stages"][1]["items"] = [
        i for i in theirs["stages"][1]["items"] if i["key"] != "legal.link"
    ]
    local = copy.deepcopy(base)
    _item(local, "legal.link")["help"] = {"da": "Vores notat", "en": "Our memo"}
    merged, conflicts = merge_content(base, theirs, local)
    assert _item(merged, "legal.link")
    assert conflicts[0]["key"] == "legal.link" and conflicts[0]["theirs"] == "removed"


def test_merge_keeps_local_additions(content):
    local = copy.deepcopy(content)
    local["stages"][0]["items"].append(
        {"key": "need.ours", "text": {"da": "Vores", "en": "Ours"}, "role": "clinician",
         "type": "text"}
    )  # fmt: skip
    merged, conflicts = merge_content(content, copy.deepcopy(content), local)
    assert merged == local and conflicts == []
