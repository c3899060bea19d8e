"""Rules and stage tools named in pathway files: validated on load, applied by the gate."""

import re

import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import get_template

from checklists import extensions
from checklists.loading import (
    PATHWAY_DIR,
    PathwayFileError,
    discover_files,
    load_pathways,
    parse_pathway_bytes,
    parse_pathway_file,
)
from checklists.models import ChecklistItem, Pathway, Stage
from procurement import gates
from procurement.gates import Reason, blocking_reasons, load_stage_status
from procurement.models import Action
from tests.personas import FIXTURES, answer, complete_need, make_team

TOOL_REASON = Reason("tool_incomplete", "The calculation is not complete.")


class FakeTool(extensions.StageTool):
    name = "fake_tool"
    template_name = "procurement/partials/_reasons.html"
    dossier_template_name = "procurement/partials/_reasons.html"
    item_keys = ("need.problem", "need.asked_later")
    optional_item_keys = ("need.asked_later",)

    def __init__(self):
        self.complete = False

    def context(self, *, project, stage, user, status):
        return {"complete": self.complete}

    def gate_reasons(self, *, project, stage, status):
        return [] if self.complete else [TOOL_REASON]

    def dossier_data(self, *, project, stage):
        return None


@pytest.fixture
def registry(monkeypatch):
    tool = FakeTool()
    monkeypatch.setitem(extensions.TOOLS, "fake_tool", tool)
    monkeypatch.setitem(
        extensions.RULES, "much_data", lambda values: values.get("need.problem") == "MEGET"
    )
    return tool


@pytest.fixture
def extended(db, tmp_path, registry):
    data = yaml.safe_load((FIXTURES / "test-pathway.v1.yaml").read_text(encoding="utf-8"))
    data["slug"] = "ext-pathway"
    need = data["stages"][0]
    need["tools"] = ["fake_tool"]
    need["items"][1]["required_when"] = {"rule": "much_data"}  # need.patients_per_year
    need["items"].append(
        {
            "key": "need.big_data_plan",
            "text": {"da": "Plan for store data", "en": "Plan for big data"},
            "role": "clinician",
            "type": "text",
            "condition": {"rule": "much_data"},
            "required": True,
        }
    )
    path = tmp_path / "ext-pathway.v1.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    load_pathways([path])
    return make_team(Pathway.objects.get(slug="ext-pathway"))


def item_status(team, key):
    return next(s for s in load_stage_status(team.reload()).items if s.item.key == key)


def test_rule_condition_and_required_when(extended):
    team = extended
    assert not item_status(team, "need.big_data_plan").applicable
    assert not item_status(team, "need.patients_per_year").required
    answer(team, "need.problem", "MEGET")
    assert item_status(team, "need.big_data_plan").applicable
    assert item_status(team, "need.patients_per_year").required
    found = blocking_reasons(
        project=team.reload(),
        action=Action.APPROVAL_REQUESTED,
        status=load_stage_status(team.reload()),
    )
    unanswered = [r for r in found if r.code == gates.REQUIRED_UNANSWERED]
    assert set(unanswered[0].items) == {"Patienter om året", "Plan for store data"}


def test_tool_reasons_block_the_gate_until_complete(extended, registry):
    team = extended
    complete_need(team)
    status = load_stage_status(team.reload())
    assert TOOL_REASON in status.tool_reasons
    reasons = blocking_reasons(
        project=team.reload(), action=Action.APPROVAL_REQUESTED, status=status
    )
    assert [r.code for r in reasons] == ["tool_incomplete"]
    registry.complete = True
    status = load_stage_status(team.reload())
    assert (
        blocking_reasons(project=team.reload(), action=Action.APPROVAL_REQUESTED, status=status)
        == []
    )


def test_tool_panel_is_shown(extended, client):
    client.force_login(extended.clinician)
    response = client.get(f"/projects/{extended.project.pk}/")
    assert [panel["name"] for panel in response.context["tool_panels"]] == ["fake_tool"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda need: need.update(tools=["nope"]), "tools must be a list of"),
        (
            lambda need: need["items"][1].update(required_when={"rule": "nope"}),
            "names the unknown rule 'nope'",
        ),
        (
            lambda need: need["items"][1].update(condition={"rule": "much_data", "item": "x"}),
            "a condition with a rule takes nothing else",
        ),
        (
            lambda need: need["items"][0].update(required_when={"rule": "much_data"}),
            "required_when makes no sense on a required item",
        ),
    ],
)
def test_unknown_names_are_refused(db, tmp_path, registry, change, message):
    data = yaml.safe_load((FIXTURES / "test-pathway.v1.yaml").read_text(encoding="utf-8"))
    change(data["stages"][0])
    path = tmp_path / "test-pathway.v1.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PathwayFileError, match=message):
        load_pathways([path])


# --- the stage-tool protocol ---------------------------------------------------------------------

SHIPPED_TOOLS = {
    "ai_classification": "decisions",
    "business_case": "decisions",
    "procurement_route": "decisions",
    "requirements_list": "dossier",
    "market_dialogue": "market",
    "offer_evaluation": "market",
    "monitoring": "monitoring",
    "validation": "validation",
}


def test_every_registered_tool_implements_every_member():
    tools = extensions.TOOLS
    assert {name: type(tool).__module__.partition(".")[0] for name, tool in tools.items()} == (
        SHIPPED_TOOLS
    )
    for name, tool in tools.items():
        app = SHIPPED_TOOLS[name]
        assert extensions.tool_problems(tool) == [], name
        assert type(tool).__module__ == f"{app}.tool", name  # one file name per app
        assert tool.template_name == f"{app}/tool/{name}.html"
        assert tool.dossier_template_name == f"{app}/tool/{name}_dossier.html"
        get_template(tool.template_name)
        get_template(tool.dossier_template_name)


class NoDossier(FakeTool):
    name = "no_dossier"
    dossier_data = extensions.StageTool.dossier_data


class NoItemKeys(extensions.StageTool):
    name = "no_item_keys"

    def context(self, *, project, stage, user, status):
        return {}

    def gate_reasons(self, *, project, stage, status):
        return []

    def dossier_data(self, *, project, stage):
        return None


class StrayOptionalKey(FakeTool):
    name = "stray_optional_key"
    optional_item_keys = ("legal.elsewhere",)


class ContextWithoutStatus(FakeTool):
    name = "context_without_status"

    def context(self, *, project, stage, user):
        return {}


class NotATool:
    name = "not_a_tool"


@pytest.mark.parametrize(
    ("tool", "message"),
    [
        (NoDossier(), "'no_dossier' is incomplete: 'dossier_data' is not implemented."),
        (NoItemKeys(), "'item_keys' must be a tuple of checklist item keys"),
        (StrayOptionalKey(), "'optional_item_keys' must be among its 'item_keys'"),
        (ContextWithoutStatus(), "'context' does not take status"),
        (NotATool(), "'template_name' must be a non-empty string"),
        (NotATool(), "'gate_reasons' is not implemented"),
    ],
)
def test_register_tool_refuses_an_incomplete_tool(tool, message):
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        extensions.register_tool(tool)
    assert tool.name not in extensions.TOOLS


# --- the items a tool reads, checked by the pathway loader ---------------------------------------


def _with_tool(tmp_path, data, slug="tool-pathway"):
    data["slug"] = slug
    data["stages"][1]["tools"] = ["fake_tool"]  # on the legal stage; it reads need.problem
    path = tmp_path / f"{slug}.v1.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_a_pathway_with_the_items_its_tools_read_loads(db, tmp_path, registry):
    data = yaml.safe_load((FIXTURES / "test-pathway.v1.yaml").read_text(encoding="utf-8"))
    load_pathways([_with_tool(tmp_path, data)])  # need.asked_later is optional
    assert Pathway.objects.get(slug="tool-pathway").stages.get(key="legal").tools == ["fake_tool"]


def test_a_pathway_missing_an_item_its_tool_reads_is_refused(db, tmp_path, registry):
    data = yaml.safe_load((FIXTURES / "test-pathway.v1.yaml").read_text(encoding="utf-8"))
    data["stages"][0]["items"].pop(0)  # need.problem
    counts = (Pathway.objects.count(), Stage.objects.count(), ChecklistItem.objects.count())
    with pytest.raises(PathwayFileError) as excinfo:
        load_pathways([_with_tool(tmp_path, data)])
    assert str(excinfo.value) == (
        "tool-pathway.v1.yaml: stage legal: the tool 'fake_tool' reads the item(s) need.problem, "
        "which this pathway does not have."
    )
    assert [problem.key for problem in excinfo.value.problems] == ["legal"]
    assert (Pathway.objects.count(), Stage.objects.count(), ChecklistItem.objects.count()) == counts


def _default_without(key: str) -> bytes:
    data = yaml.safe_load((PATHWAY_DIR / "indkoeb-ce-maerket-ai.v6.yaml").read_bytes())
    for stage in data["stages"]:
        stage["items"] = [item for item in stage["items"] if item["key"] != key]
    return yaml.safe_dump(data, allow_unicode=True).encode()


def test_the_classification_needs_its_required_questions_but_not_the_later_ones():
    with pytest.raises(PathwayFileError, match=re.escape("legal.emotion_recognition_at_work")):
        parse_pathway_bytes(
            _default_without("legal.emotion_recognition_at_work"), "indkoeb-ce-maerket-ai.v6.yaml"
        )
    # Asked from version 3 on only: a pathway may do without it (the answer counts as false).
    assert "legal.in_house_device" in extensions.TOOLS["ai_classification"].optional_item_keys
    parse_pathway_bytes(_default_without("legal.in_house_device"), "indkoeb-ce-maerket-ai.v6.yaml")


def test_every_pathway_file_in_the_repository_has_the_items_its_tools_read():
    """The shipped pathways and the tests' own: each loads as it is."""
    tests = FIXTURES.parent.parent
    files = [
        *discover_files(PATHWAY_DIR),
        *sorted(FIXTURES.glob("*.yaml")),
        *sorted(tests.glob("*/fixtures/*.v*.yaml")),
    ]
    named = set()
    for path in files:
        parsed = parse_pathway_file(path)  # raises on a missing item key
        named.update(tool for stage in parsed["stages"] for tool in stage["tools"])
    assert named == set(SHIPPED_TOOLS)
