"""Every message a person can see has a Danish text: the catalogue has no empty or fuzzy entry,
and every constant passed to gettext is marked for extraction (gettext_noop), so it reaches the
catalogue at all."""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from procurement.guards import STAGE_MOVED

ROOT = Path(__file__).resolve().parent.parent
# Every first-party package (a directory of the project with an __init__.py), so a new app is
# checked without anyone remembering to list it.
APPS = sorted(
    path.parent.name
    for path in ROOT.glob("*/__init__.py")
    if path.parent.name not in {"tests", ".venv"}
)
CATALOGUE = ROOT / "locale" / "da" / "LC_MESSAGES" / "django.po"


def catalogue_entries():
    """(msgid, msgstr, fuzzy) for each entry of the Danish catalogue, obsolete ones left out."""
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


# --- texts shown by our JavaScript -------------------------------------------------------------

OUR_SCRIPTS = sorted((ROOT / "static" / "js").rglob("*.js"))  # static/vendor is not ours


class _JsMessages(HTMLParser):
    """The data-* attributes of the base template's #js-messages element."""

    def __init__(self):
        super().__init__()
        self.texts: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id") == "js-messages":
            self.texts = {k[5:]: v or "" for k, v in attrs.items() if k.startswith("data-")}


def js_messages(client, language: str) -> dict[str, str]:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("guide_index"))
    assert response.status_code == 200
    parser = _JsMessages()
    parser.feed(response.content.decode())
    assert parser.texts is not None, "the base template has no #js-messages element"
    return parser.texts


def names_read_by_scripts() -> set[str]:
    return {
        name
        for path in OUR_SCRIPTS
        for name in re.findall(r"""\bmessage\(\s*["']([\w-]+)["']\s*\)""", path.read_text())
    }


def test_our_scripts_take_every_visible_text_from_the_template():
    """No language choice and no visible text inside the scripts: a text written in a script
    never reaches the catalogue."""
    assert OUR_SCRIPTS, "static/js has no script"
    problems = []
    for path in OUR_SCRIPTS:
        source = path.read_text(encoding="utf-8")
        if "documentElement.lang" in source:
            problems.append(f"{path.name}: chooses its language itself")
        for literal in re.findall(r""""([^"\\]*)"|'([^'\\]*)'""", source):
            text = "".join(literal)
            # A sentence (a capital, words, a stop) or a Danish letter is text for a person.
            if re.search(r"[æøåÆØÅ]", text) or re.fullmatch(r"[A-Z][^<>{}]* [^<>{}]*[.!?]", text):
                problems.append(f"{path.name}: {text!r}")
    assert problems == []
    assert names_read_by_scripts(), "the scripts read no message (did message() get renamed?)"


@pytest.mark.django_db
def test_every_text_our_scripts_show_has_a_danish_translation(client):
    danish, english = js_messages(client, "da"), js_messages(client, "en")
    missing = sorted(names_read_by_scripts() - set(danish))
    untranslated = sorted(
        name for name in danish if not danish[name] or danish[name] == english[name]
    )
    assert missing == []
    assert untranslated == []
