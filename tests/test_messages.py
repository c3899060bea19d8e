"""Every message a person can see has a Danish text: the catalogue has no empty or fuzzy entry,
and every constant passed to gettext is marked for extraction (gettext_noop), so it reaches the
catalogue at all."""

import ast
from pathlib import Path

import pytest
from django.utils import translation

from procurement.guards import STAGE_MOVED

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "accounts",
    "authoring",
    "checklists",
    "procurement",
    "validation",
    "decisions",
    "dossier",
    "config",
]
CATALOGUE = ROOT / "locale" / "da" / "LC_MESSAGES" / "django.po"


def catalogue_entries():
    """(msgid, msgstr, fuzzy) for each entry of the Danish catalogue, obsolete ones left out."""
    import re

    entries = []
    for block in CATALOGUE.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        text = "\n".join(line for line in lines if not line.startswith("#"))
        parts = re.split(r"^(msgid|msgid_plural|msgstr(?:\[\d\])?) ", text, flags=re.M)
        fields = {}
        for key, value in zip(parts[1::2], parts[2::2], strict=True):
            fields[key] = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', value))
        if fields.get("msgid"):
            strs = [v for k, v in fields.items() if k.startswith("msgstr")]
            entries.append((fields["msgid"], strs, fuzzy))
    return entries


def test_every_danish_entry_is_translated_and_not_fuzzy():
    problems = [msgid for msgid, strs, fuzzy in catalogue_entries() if fuzzy or not all(strs)]
    assert problems == []


def _python_files():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path


def test_every_constant_given_to_gettext_is_marked_for_translation():
    """`_(SOME_CONSTANT)` translates at run time only if the constant was extracted, which
    needs `gettext_noop` (or a lazy gettext) where it is defined."""
    unmarked = []
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        marked, plain = set(), set()
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name):
                    value = node.value
                    if isinstance(value, ast.Call) and getattr(value.func, "id", "") in {
                        "gettext_noop",
                        "_",
                        "gettext_lazy",
                        "pgettext_lazy",
                    }:
                        marked.add(target.id)
                    elif isinstance(value, ast.Constant) and isinstance(value.value, str):
                        plain.add(target.id)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", "") in {"_", "gettext"}
                and node.args
                and isinstance(node.args[0], ast.Name)
                and node.args[0].id in plain
                and node.args[0].id not in marked
            ):
                unmarked.append(f"{path.relative_to(ROOT)}: {node.args[0].id}")
    assert unmarked == []


@pytest.mark.parametrize(
    "message",
    [
        STAGE_MOVED,
        "Your user is not attached to an organisation. Ask an administrator.",
    ],
)
def test_refusals_read_in_danish(message):
    with translation.override("da"):
        assert translation.gettext(message) != message
