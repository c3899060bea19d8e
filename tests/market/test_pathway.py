"""Version 6 of the default pathway: version 5's items unchanged, plus the market tools."""

from pathlib import Path

import yaml

from checklists.extensions import TOOLS

PATHWAYS = Path(__file__).resolve().parents[2] / "checklists" / "pathways"


def load(version: int) -> dict:
    return yaml.safe_load((PATHWAYS / f"indkoeb-ce-maerket-ai.v{version}.yaml").read_text())


def test_version_6_adds_the_market_tools_and_keeps_version_5s_items():
    v5, v6 = load(5), load(6)
    assert v6["version"] == 6
    assert [s["key"] for s in v5["stages"]] == [s["key"] for s in v6["stages"]]
    for before, after in zip(v5["stages"], v6["stages"], strict=True):
        assert before["items"] == after["items"], before["key"]
        added = set(after.get("tools", [])) - set(before.get("tools", []))
        expected = {
            "market_dialogue": {"market_dialogue"},
            "tender_operation": {"offer_evaluation"},
        }.get(after["key"], set())
        assert added == expected, after["key"]
    assert {"market_dialogue", "offer_evaluation"} <= set(TOOLS)


def test_the_competition_rule_reads_an_item_and_choice_that_exist():
    from market.selectors import COMPETITIVE_PROCEDURES, PROCEDURE_ITEM

    items = {i["key"]: i for s in load(6)["stages"] for i in s["items"]}
    choices = {c["key"] for c in items[PROCEDURE_ITEM]["choices"]}
    assert COMPETITIVE_PROCEDURES <= choices
