"""Extension points that pathway files may name: rules and stage tools.

Content is data; Python only maps the names used in the data to code (STYLE rule 4):
- a **rule** is a pure function of a project's answers (item key -> stored value) returning a bool.
  Items use rules in `condition: {rule: NAME}` (the item appears only when the rule holds) and
  `required_when: {rule: NAME}` (an optional item becomes required when the rule holds), e.g. the
  DPIA item becomes required when the classification says a DPIA is required.
- a **stage tool** is a panel on a stage page with its own gate reasons, e.g. the AI Act
  classification on the legal stage, or the business case calculator. A stage lists its tools in
  `tools: [NAME, ...]`.

Apps register theirs in `AppConfig.ready()`; the pathway loader refuses names nobody registered.
"""

from collections.abc import Callable, Mapping
from typing import Any, Protocol

Rule = Callable[[Mapping[str, str]], bool]

RULES: dict[str, Rule] = {}
TOOLS: dict[str, "StageTool"] = {}


class StageTool(Protocol):
    """A panel on a stage page. `gate_reasons` returns `procurement.gates.Reason`s that block the
    stage's approval, like a missing checklist answer does."""

    name: str
    template_name: str

    def context(self, *, project, stage, user, status) -> dict[str, Any]: ...

    def gate_reasons(self, *, project, stage, status) -> list: ...

    # For the dossier (PDF and its JSON): the tool's results as JSON-able data, and a template
    # that renders them for print. Both may return/hold nothing when the tool has no results.
    dossier_template_name: str

    def dossier_data(self, *, project, stage) -> dict[str, Any] | None: ...


def register_rule(name: str) -> Callable[[Rule], Rule]:
    def decorator(func: Rule) -> Rule:
        RULES[name] = func
        return func

    return decorator


def register_tool(tool: "StageTool") -> "StageTool":
    TOOLS[tool.name] = tool
    return tool


def evaluate_rules(values_by_key: Mapping[str, str]) -> dict[str, bool]:
    """Every registered rule's result for one project's answers."""
    return {name: bool(rule(values_by_key)) for name, rule in RULES.items()}
