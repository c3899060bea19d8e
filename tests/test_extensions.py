"""Rules and stage tools named in pathway files: validated on load, applied by the gate."""

import pytest
import yaml

from checklists import extensions
from checklists.loading import PathwayFileError, load_pathways
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
    from checklists.models import Pathway

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
