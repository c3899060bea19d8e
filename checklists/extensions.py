"""Extension points that pathway files may name: rules and stage tools.

Content is data; Python only maps the names used in the data to code (STYLE rule 4):
- a **rule** is a pure function of a project's answers (item key -> stored value) returning a bool.
  Items use rules in `condition: {rule: NAME}` (the item appears only when the rule holds) and
  `required_when: {rule: NAME}` (an optional item becomes required when the rule holds), e.g. the
  DPIA item becomes required when the classification says a DPIA is required.
- a **stage tool** is a panel on a stage page with its own gate reasons, e.g. the AI Act
  classification on the legal stage, or the business case calculator. A stage lists its tools in
  `tools: [NAME, ...]`.

Apps register theirs in `AppConfig.ready()`; the pathway loader refuses names nobody registered,
and a stage naming a tool whose checklist items the pathway lacks.
"""

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ImproperlyConfigured

Rule = Callable[[Mapping[str, str]], bool]

RULES: dict[str, Rule] = {}
TOOLS: dict[str, "StageTool"] = {}


class StageTool:
    """A panel on a stage page, its gate reasons and its part of the dossier. Every app's tools
    subclass this in `<app>/tool.py`; `register_tool` refuses one that lacks a member, so the
    screens, the gate and the dossier call every member without asking whether it is there.

    The templates follow one layout, from the app (the tool's top-level package) and the name:
    `<app>/tool/<name>.html` for the panel (its context as `tool`) and
    `<app>/tool/<name>_dossier.html` for print (the `dossier_data` dict as `data`)."""

    # The name pathway files use in a stage's `tools: [...]`.
    name: str
    # Every checklist item key the tool reads. The pathway loader refuses a pathway that names
    # the tool but lacks one of them, except those in `optional_item_keys`: keys the tool does
    # without (e.g. questions asked only from a later pathway version on).
    item_keys: tuple[str, ...]
    optional_item_keys: tuple[str, ...] = ()

    # Set from the app and the name for each subclass that names itself (see the layout above).
    template_name: str
    dossier_template_name: str

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("name")
        if name:
            app = cls.__module__.partition(".")[0]
            cls.template_name = cls.__dict__.get("template_name", f"{app}/tool/{name}.html")
            cls.dossier_template_name = cls.__dict__.get(
                "dossier_template_name", f"{app}/tool/{name}_dossier.html"
            )

    def context(self, *, project, stage, user, status) -> dict[str, Any]:
        """The panel's context. `status` is the page's `procurement.gates.StageStatus` (None
        when a panel is refreshed on its own)."""
        raise NotImplementedError

    def gate_reasons(self, *, project, stage, status) -> list:
        """`procurement.gates.Reason`s that block the stage's approval, like a missing checklist
        answer does."""
        raise NotImplementedError

    def dossier_data(self, *, project, stage) -> dict[str, Any] | None:
        """The tool's results as JSON-able data for the dossier (PDF and dossier.json), or None
        when it has none yet."""
        raise NotImplementedError


# Each method of the protocol and the keyword arguments every caller passes to it.
METHODS = {
    "context": ("project", "stage", "user", "status"),
    "gate_reasons": ("project", "stage", "status"),
    "dossier_data": ("project", "stage"),
}
TEXT_MEMBERS = ("name", "template_name", "dossier_template_name")
KEY_MEMBERS = ("item_keys", "optional_item_keys")


def tool_problems(tool: Any) -> list[str]:
    """What `tool` lacks of the protocol (empty when it implements every member)."""
    problems = []
    for member in TEXT_MEMBERS:
        value = getattr(tool, member, None)
        if not isinstance(value, str) or not value:
            problems.append(f"'{member}' must be a non-empty string")
    for member in KEY_MEMBERS:
        value = getattr(tool, member, None)
        if not isinstance(value, tuple) or not all(isinstance(key, str) for key in value):
            problems.append(f"'{member}' must be a tuple of checklist item keys")
    if not problems and not set(tool.optional_item_keys) <= set(tool.item_keys):
        problems.append("'optional_item_keys' must be among its 'item_keys'")
    for member, arguments in METHODS.items():
        method = getattr(tool, member, None)
        if getattr(type(tool), member, None) is getattr(StageTool, member) or not callable(method):
            problems.append(f"'{member}' is not implemented")
            continue
        parameters = inspect.signature(method).parameters
        absent = [name for name in arguments if name not in parameters]
        if absent:
            problems.append(f"'{member}' does not take {', '.join(absent)}")
    return problems


def register_rule(name: str) -> Callable[[Rule], Rule]:
    def decorator(func: Rule) -> Rule:
        RULES[name] = func
        return func

    return decorator


def register_tool(tool: StageTool) -> StageTool:
    """Make `tool` available to pathway files; refuses one that does not implement the whole
    protocol, naming what it lacks."""
    problems = tool_problems(tool)
    if problems:
        raise ImproperlyConfigured(
            f"Stage tool {getattr(tool, 'name', None) or type(tool).__name__!r} is incomplete: "
            + "; ".join(problems)
            + "."
        )
    TOOLS[tool.name] = tool
    return tool


class RuleResults(Mapping):
    """Every registered rule's result for one project's answers, each worked out when first
    read: most stages name no rule, and a rule may be costly (the AI Act classification)."""

    def __init__(self, values_by_key: Mapping[str, str]):
        self.values_by_key = values_by_key
        self._results: dict[str, bool] = {}

    def __getitem__(self, name: str) -> bool:
        if name not in self._results:
            self._results[name] = bool(RULES[name](self.values_by_key))
        return self._results[name]

    def __iter__(self):
        return iter(RULES)

    def __len__(self) -> int:
        return len(RULES)


def evaluate_rules(values_by_key: Mapping[str, str]) -> RuleResults:
    """Every registered rule's result for one project's answers (read as a mapping)."""
    return RuleResults(values_by_key)
