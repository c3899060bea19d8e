"""The project's modules import each other in one direction only: no circle among first-party
modules, and no import hidden inside a function to break one. An import inside a function is
kept only where Django needs it (an app's `ready()` runs after every app is loaded) and says why
in a comment that starts with "Lazy import:" just above it."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = sorted(
    path.parent.name for path in ROOT.glob("*/__init__.py") if path.parent.name != "tests"
)
MARKER = "lazy import:"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[module_name(path)] = path
    return modules


def imported_modules(node: ast.Import | ast.ImportFrom, where: str, modules) -> set[str]:
    """The first-party modules an import statement in module `where` loads."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names if alias.name in modules}
    if node.level:
        is_package = modules[where].name == "__init__.py"
        base = where.split(".")[: len(where.split(".")) - node.level + (1 if is_package else 0)]
        target = ".".join([*base, node.module] if node.module else base)
    else:
        target = node.module or ""
    found = set()
    for alias in node.names:
        if f"{target}.{alias.name}" in modules:  # `from package import module`
            found.add(f"{target}.{alias.name}")
        elif target in modules:
            found.add(target)
    return found


def imports_of(path: Path):
    """(import node, is it at module level) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = set()

    def visit_module_level(statements):
        for statement in statements:
            top_level.add(id(statement))
            for field in ("body", "orelse", "finalbody", "handlers"):
                if isinstance(statement, ast.If | ast.Try | ast.ExceptHandler):
                    visit_module_level(getattr(statement, field, []))

    visit_module_level(tree.body)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, id(node) in top_level


def is_marked(node: ast.stmt, lines: list[str], import_lines: set[int]) -> bool:
    """A "Lazy import: why" comment on the line above the import, or above the run of
    imports it belongs to."""
    number = node.lineno - 1  # the line above, 1-based
    while number in import_lines or (number >= 1 and not lines[number - 1].strip()):
        number -= 1
    while number >= 1 and lines[number - 1].strip().startswith("#"):
        if MARKER in lines[number - 1].lower():
            return True
        number -= 1
    return False


def import_graph():
    """{module: {imported module, ...}} over every first-party import that runs when its module
    or function runs, leaving out the marked lazy imports Django needs; and the unmarked
    imports inside functions."""
    modules = project_modules()
    graph = {name: set() for name in modules}
    hidden = []
    for name, path in modules.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        found = list(imports_of(path))
        inner_lines = {
            line
            for node, top in found
            if not top
            for line in range(node.lineno, node.end_lineno + 1)
        }
        for node, top in found:
            targets = imported_modules(node, name, modules)
            if not targets:
                continue
            if not top:
                if is_marked(node, lines, inner_lines):
                    continue
                hidden.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            graph[name] |= targets - {name}
    return graph, hidden


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def connect(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in sorted(graph.get(module, ())):
            if other not in index:
                connect(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            connect(module)
    return found


def test_no_import_cycle_among_first_party_modules():
    graph, _hidden = import_graph()
    assert cycles(graph) == []


def test_no_import_hidden_inside_a_function():
    _graph, hidden = import_graph()
    assert hidden == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_reads_relative_and_lazy_imports():
    graph, hidden = import_graph()
    assert "procurement.models" in graph["procurement.services"]  # from .models import ...
    assert "checklists.models" in graph["procurement.models"]  # from checklists.models import
    assert all(":" in place for place in hidden)


# What the models may not read: the layers above them (they read the models themselves).
ABOVE_THE_MODELS = {
    "services",
    "selectors",
    "gates",
    "transitions",
    "journal",
    "permissions",
    "forms",
    "views",
    "tasks",
}


def models_importing_upwards(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{module} -> {other}"
        for module, imported in graph.items()
        if module.endswith(".models")
        for other in imported
        if other.rsplit(".", 1)[-1] in ABOVE_THE_MODELS
    )


def test_models_import_no_service_gate_or_view():
    graph, _hidden = import_graph()
    assert models_importing_upwards(graph) == []
    assert models_importing_upwards({"procurement.models": {"procurement.gates"}}) == [
        "procurement.models -> procurement.gates"
    ]
