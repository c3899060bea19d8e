"""The pathway loader: validation with clear errors, idempotence, immutability of versions."""

from pathlib import Path

import pytest
import yaml

from checklists.loading import PATHWAY_DIR, PathwayFileError, discover_files, load_pathways
from checklists.models import ChecklistItem, Pathway, Stage
from tests.personas import FIXTURES

GOOD = FIXTURES / "test-pathway.v1.yaml"
SEED_STAGES = [
    "need",
    "market_dialogue",
    "requirements",
    "business_case",
    "funding",
    "agreement",
    "legal",
    "approvals",
    "retrospective_validation",
    "it_infrastructure",
    "prospective_validation",
    "evaluation",
    "tender_operation",
    "monitoring",
]


def write(tmp_path: Path, data: dict, name: str = "test-pathway.v1.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def data() -> dict:
    return yaml.safe_load(GOOD.read_text(encoding="utf-8"))


def test_loads_and_is_idempotent(db):
    [first] = load_pathways([GOOD])
    [second] = load_pathways([GOOD])
    assert first.created and not second.created
    assert Pathway.objects.count() == 1
    assert Stage.objects.count() == 3
    assert ChecklistItem.objects.count() == 8


def test_changed_published_version_is_refused(db, tmp_path, data):
    load_pathways([GOOD])
    data["stages"][0]["items"][0]["text"]["da"] = "Ændret tekst"
    with pytest.raises(PathwayFileError, match="already published with different content"):
        load_pathways([write(tmp_path, data)])
    assert ChecklistItem.objects.get(key="need.problem").text_da == "Beskriv problemet"


def test_new_version_is_loaded_beside_the_old(db, tmp_path, data):
    load_pathways([GOOD])
    data["version"] = 2
    load_pathways([write(tmp_path, data, "test-pathway.v2.yaml")])
    assert list(Pathway.objects.values_list("version", flat=True).order_by("version")) == [1, 2]


def _break(data, how):
    item = data["stages"][1]["items"][2]  # legal.hosting, a choice item
    if how == "unknown_key":
        item["colour"] = "blue"
    elif how == "missing_english":
        del item["text"]["en"]
    elif how == "condition_to_missing_item":
        data["stages"][1]["items"][1]["condition"]["item"] = "legal.nothing"
    elif how == "condition_to_later_item":
        data["stages"][0]["items"][0]["condition"] = {
            "item": "legal.personal_data",
            "equals": "yes",
        }
    elif how == "duplicate_item":
        data["stages"][1]["items"][3]["key"] = "legal.hosting"
    elif how == "choice_without_options":
        del item["choices"]
    elif how == "bad_role":
        item["role"] = "janitor"
    elif how == "bad_type":
        item["type"] = "essay"
    elif how == "duplicate_stage":
        data["stages"][2]["key"] = "legal"
    elif how == "bad_condition_value":
        data["stages"][1]["items"][1]["condition"]["equals"] = "maybe"
    elif how == "http_source":
        data["stages"][1]["items"][1]["sources"][0]["url"] = "http://example.org"
    return data


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ("unknown_key", "item legal.hosting: unknown key(s) colour"),
        ("missing_english", "item legal.hosting: 'text' is missing its en text"),
        ("condition_to_missing_item", "item legal.dpia: condition points to 'legal.nothing'"),
        ("condition_to_later_item", "item need.problem: condition points to 'legal.personal_data'"),
        ("duplicate_item", "item legal.hosting: duplicate key"),
        ("choice_without_options", "item legal.hosting: a choice item needs at least two choices"),
        ("bad_role", "item legal.hosting: role must be one of"),
        ("bad_type", "item legal.hosting: type must be one of"),
        ("duplicate_stage", "stage legal: duplicate stage key"),
        ("bad_condition_value", "item legal.dpia: condition value(s) ['maybe']"),
        ("http_source", "item legal.dpia: source URLs must start with https://"),
    ],
)
def test_invalid_files_name_file_and_item_and_load_nothing(db, tmp_path, data, how, message):
    good_other = write(tmp_path, yaml.safe_load(GOOD.read_text()), "other-pathway.v1.yaml")
    other = yaml.safe_load(good_other.read_text())
    other["slug"] = "other-pathway"
    write(tmp_path, other, "other-pathway.v1.yaml")
    bad = write(tmp_path, _break(data, how))
    with pytest.raises(PathwayFileError) as excinfo:
        load_pathways([tmp_path / "other-pathway.v1.yaml", bad])
    assert str(excinfo.value).startswith("test-pathway.v1.yaml: ")
    assert message in str(excinfo.value)
    assert Pathway.objects.count() == 0


def test_file_name_must_match_slug_and_version(db, tmp_path, data):
    with pytest.raises(PathwayFileError, match="must match the file name"):
        load_pathways([write(tmp_path, data, "test-pathway.v7.yaml")])


def test_command_reports_errors_and_loads_nothing(db, tmp_path, data, monkeypatch):
    from django.core.management import CommandError, call_command

    from checklists import loading

    write(tmp_path, _break(data, "bad_role"))
    monkeypatch.setattr(loading, "PATHWAY_DIR", tmp_path)
    monkeypatch.setattr(loading.discover_files, "__defaults__", (tmp_path,))
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("load_pathways")
    assert Pathway.objects.count() == 0


def test_shipped_pathways_load(db):
    files = discover_files(PATHWAY_DIR)
    assert files, "no pathway files shipped"
    load_pathways(files)
    default = Pathway.objects.get(slug="indkoeb-ce-maerket-ai", version=1)
    stages = list(default.stages.order_by("order"))
    assert [stage.key for stage in stages] == SEED_STAGES
    assert stages[0].name_da == "Afklar behov og viden"
    for stage in stages:
        count = stage.items.count()
        assert 4 <= count <= 20, f"{stage.key} has {count} items"
        assert stage.items.filter(required=True).exists(), f"{stage.key} has no required item"


def test_every_bad_item_is_named_and_nothing_is_loaded(db, tmp_path, data):
    data["stages"][0]["items"][0]["role"] = "chef"
    data["stages"][1]["items"][1]["type"] = "essay"
    data["stages"][1]["key"] = "Legal!"  # a bad stage hides its items' problems, not others'
    data["stages"][2]["items"][0]["signoff"] = "boss"
    with pytest.raises(PathwayFileError) as excinfo:
        load_pathways([write(tmp_path, data)])
    keys = [problem.key for problem in excinfo.value.problems]
    assert keys == ["need.problem", "Legal!", data["stages"][2]["items"][0]["key"]]
    assert "need.problem: role must be one of" in str(excinfo.value)
    assert not Pathway.objects.exists()
