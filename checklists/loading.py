"""Validate pathway files and load them into the database, idempotently.

Every file is validated before anything is written; one bad file means nothing is loaded, and
the error names every bad stage and item of it (`PathwayFileError.problems`, each with its key).
A file whose (slug, version) is already loaded with the same checksum is skipped; with a
different checksum it is refused, because a published version must never change in place.

The same parsing and writing serve versions edited in the browser (`authoring`): a draft is
dumped as a pathway file, parsed by `parse_pathway_bytes` and written by `create_pathway`.
"""

import copy
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import yaml
from django.db import transaction

from .extensions import RULES, TOOLS
from .models import ChecklistItem, Pathway, Stage
from .roles import AnswerType, ResponsibleBody, Role

PATHWAY_DIR = Path(__file__).resolve().parent / "pathways"
FILE_NAME = re.compile(r"^(?P<slug>[a-z0-9-]+)\.v(?P<version>\d+)\.yaml$")
STAGE_KEY = re.compile(r"^[a-z][a-z0-9_]*$")
ITEM_KEY = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
YES_NO_NA = ("yes", "no", "na")

PATHWAY_KEYS = {"slug", "version", "name", "description", "stages", "continues_into"}
STAGE_KEYS = {
    "key", "name", "purpose", "responsible_body", "gate_question", "roles", "items", "tools",
}  # fmt: skip
ITEM_KEYS = {
    "key",
    "text",
    "help",
    "role",
    "type",
    "required",
    "choices",
    "condition",
    "signoff",
    "sources",
    "required_when",
    "change_note",
}
SOURCE_KEYS = {"title", "article", "url"}


class Problem(NamedTuple):
    """One problem of a pathway's content: `key` names the item or stage it lies in ("" when it
    belongs to the pathway as a whole); `message` names the file and, where it can, the item."""

    key: str
    message: str


class PathwayFileError(Exception):
    """A pathway file is invalid. The message names the file and, where it can, the item;
    `problems` holds every problem found, each with the key of its item or stage."""

    def __init__(self, message: str = "", *, problems: list[Problem] | None = None):
        self.problems = problems or [Problem("", message)]
        super().__init__(message or "\n".join(problem.message for problem in self.problems))


@dataclass(frozen=True)
class LoadResult:
    slug: str
    version: int
    created: bool


def _bilingual(value: Any, where: str, field: str, *, required: bool = True) -> tuple[str, str]:
    if value is None and not required:
        return "", ""
    if not isinstance(value, dict) or set(value) - {"da", "en"}:
        raise PathwayFileError(f"{where}: '{field}' must be a mapping with 'da' and 'en'.")
    da, en = value.get("da"), value.get("en")
    for lang, text in (("da", da), ("en", en)):
        if not isinstance(text, str) or not text.strip():
            raise PathwayFileError(f"{where}: '{field}' is missing its {lang} text.")
    return da.strip(), en.strip()


def _unknown(data: dict, allowed: set[str], where: str) -> None:
    extra = sorted(set(data) - allowed)
    if extra:
        raise PathwayFileError(f"{where}: unknown key(s) {', '.join(extra)}.")


def parse_pathway_file(path: Path) -> dict:
    """Read and validate one file; return a normalised structure ready to load."""
    return parse_pathway_bytes(path.read_bytes(), path.name)


def parse_pathway_bytes(raw: bytes, name: str) -> dict:
    """Validate one pathway's YAML text, named as its file would be; return a normalised
    structure ready to load. Raises PathwayFileError naming every problem of every stage and item
    (the first one only for a file that is not a pathway at all)."""
    match = FILE_NAME.match(name)
    if not match:
        raise PathwayFileError(f"{name}: file name must be '<slug>.v<version>.yaml'.")
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise PathwayFileError(f"{name}: not valid YAML ({exc}).") from exc
    if not isinstance(data, dict):
        raise PathwayFileError(f"{name}: the file must hold a mapping.")
    _unknown(data, PATHWAY_KEYS, name)
    if data.get("slug") != match["slug"] or data.get("version") != int(match["version"]):
        raise PathwayFileError(f"{name}: slug and version must match the file name.")
    name_da, name_en = _bilingual(data.get("name"), name, "name")
    desc_da, desc_en = _bilingual(data.get("description"), name, "description", required=False)
    stages_raw = data.get("stages")
    if not isinstance(stages_raw, list) or not stages_raw:
        raise PathwayFileError(f"{name}: 'stages' must be a non-empty list.")

    problems: list[Problem] = []
    stages: list[dict] = []
    items_by_key: dict[str, dict] = {}
    stage_keys: set[str] = set()
    for stage_raw in stages_raw:
        try:
            stage = _parse_stage(stage_raw, name, stage_keys, data["version"], problems)
        except PathwayFileError as exc:
            problems.append(Problem(_key_of(stage_raw), str(exc)))
            continue
        for item in stage["items"]:
            try:
                if item["key"] in items_by_key:
                    raise PathwayFileError(f"{name}: item {item['key']}: duplicate key.")
                if not item["key"].startswith(stage["key"] + "."):
                    raise PathwayFileError(
                        f"{name}: item {item['key']}: key must start with '{stage['key']}.'."
                    )
                _check_condition(item, items_by_key, name)
            except PathwayFileError as exc:
                problems.append(Problem(item["key"], str(exc)))
            items_by_key[item["key"]] = item
        stages.append(stage)
    problems += _missing_tool_items(stages, items_by_key, name)
    try:
        continuation = _parse_continuation(data.get("continues_into"), name)
    except PathwayFileError as exc:
        problems.append(Problem("", str(exc)))
    if problems:
        raise PathwayFileError(problems=problems)
    return {
        "slug": data["slug"],
        "version": data["version"],
        "name_da": name_da,
        "name_en": name_en,
        "description_da": desc_da,
        "description_en": desc_en,
        "stages": stages,
        "source_file": name,
        **continuation,
        "checksum": hashlib.sha256(raw).hexdigest(),
    }


def _key_of(raw: Any) -> str:
    return str(raw.get("key", "")) if isinstance(raw, dict) else ""


def _missing_tool_items(stages: list[dict], item_keys, file_name: str) -> list[Problem]:
    """A stage tool reads checklist items by key (`StageTool.item_keys`), from any stage: a
    pathway that names the tool must have every one of them, except those the tool declares
    optional (e.g. questions asked only from a later version of a pathway on)."""
    problems = []
    for stage in stages:
        for tool_name in stage["tools"]:
            tool = TOOLS[tool_name]
            missing = [
                key
                for key in tool.item_keys
                if key not in item_keys and key not in tool.optional_item_keys
            ]
            if missing:
                problems.append(
                    Problem(
                        stage["key"],
                        f"{file_name}: stage {stage['key']}: the tool '{tool_name}' reads the "
                        f"item(s) {', '.join(missing)}, which this pathway does not have.",
                    )
                )
    return problems


def _parse_continuation(raw: Any, file_name: str) -> dict:
    """`continues_into: {pathway: SLUG, stage: KEY}`: a project that completes this pathway may
    continue in another pathway's stage (e.g. fast-track validation into full procurement)."""
    if not raw:
        return {"continues_into": "", "continue_at": ""}
    if not isinstance(raw, dict) or set(raw) != {"pathway", "stage"}:
        raise PathwayFileError(f"{file_name}: continues_into needs 'pathway' and 'stage'.")
    return {"continues_into": str(raw["pathway"]), "continue_at": str(raw["stage"])}


def check_continuations(parsed: list[dict]) -> None:
    """Every `continues_into` names a pathway and stage that exist (in `parsed` or loaded)."""
    stage_keys = {data["slug"]: {s["key"] for s in data["stages"]} for data in parsed}
    for data in parsed:
        target = data["continues_into"]
        if not target:
            continue
        keys = stage_keys.get(target)
        if keys is None:
            latest = Pathway.objects.filter(slug=target).order_by("-version").first()
            keys = set(latest.stages.values_list("key", flat=True)) if latest else None
        if keys is None:
            raise PathwayFileError(
                f"{data['source_file']}: continues_into names the unknown pathway '{target}'."
            )
        if data["continue_at"] not in keys:
            raise PathwayFileError(
                f"{data['source_file']}: pathway '{target}' has no stage '{data['continue_at']}'."
            )


def _parse_stage(
    raw: Any, file_name: str, seen: set[str], version: int, problems: list[Problem]
) -> dict:
    if not isinstance(raw, dict):
        raise PathwayFileError(f"{file_name}: every stage must be a mapping.")
    key = raw.get("key")
    where = f"{file_name}: stage {key}"
    if not isinstance(key, str) or not STAGE_KEY.match(key):
        raise PathwayFileError(f"{where}: key must be lower-case letters, digits and '_'.")
    if key in seen:
        raise PathwayFileError(f"{where}: duplicate stage key.")
    seen.add(key)
    _unknown(raw, STAGE_KEYS, where)
    name_da, name_en = _bilingual(raw.get("name"), where, "name")
    purpose_da, purpose_en = _bilingual(raw.get("purpose"), where, "purpose", required=False)
    gate_da, gate_en = _bilingual(raw.get("gate_question"), where, "gate_question", required=False)
    body = raw.get("responsible_body")
    if body not in ResponsibleBody.values:
        raise PathwayFileError(
            f"{where}: responsible_body must be one of {ResponsibleBody.values}."
        )
    roles = raw.get("roles", [])
    if not isinstance(roles, list) or any(role not in Role.values for role in roles):
        raise PathwayFileError(f"{where}: roles must be a list of {Role.values}.")
    items_raw = raw.get("items")
    if not isinstance(items_raw, list) or not items_raw:
        raise PathwayFileError(f"{where}: 'items' must be a non-empty list.")
    tools = raw.get("tools", [])
    if not isinstance(tools, list) or any(tool not in TOOLS for tool in tools):
        raise PathwayFileError(f"{where}: tools must be a list of {sorted(TOOLS)}.")
    return {
        "key": key,
        "name_da": name_da,
        "name_en": name_en,
        "purpose_da": purpose_da,
        "purpose_en": purpose_en,
        "gate_question_da": gate_da,
        "gate_question_en": gate_en,
        "responsible_body": body,
        "roles": roles,
        "tools": tools,
        "items": _parse_items(items_raw, file_name, version, problems),
    }


def _parse_items(
    items_raw: list, file_name: str, version: int, problems: list[Problem]
) -> list[dict]:
    """The stage's valid items; each invalid one adds its problem and is left out."""
    items = []
    for item_raw in items_raw:
        try:
            items.append(_parse_item(item_raw, file_name, version))
        except PathwayFileError as exc:
            problems.append(Problem(_key_of(item_raw), str(exc)))
    return items


def _parse_item(raw: Any, file_name: str, version: int) -> dict:
    if not isinstance(raw, dict):
        raise PathwayFileError(f"{file_name}: every item must be a mapping.")
    key = raw.get("key")
    where = f"{file_name}: item {key}"
    if not isinstance(key, str) or not ITEM_KEY.match(key):
        raise PathwayFileError(f"{where}: key must look like 'stage_key.item_key'.")
    _unknown(raw, ITEM_KEYS, where)
    text_da, text_en = _bilingual(raw.get("text"), where, "text")
    help_da, help_en = _bilingual(raw.get("help"), where, "help", required=False)
    note_da, note_en = _bilingual(raw.get("change_note"), where, "change_note", required=False)
    if note_da and version < 2:
        raise PathwayFileError(f"{where}: a first version has nothing to note a change against.")
    role = raw.get("role")
    if role not in Role.values:
        raise PathwayFileError(f"{where}: role must be one of {Role.values}.")
    answer_type = raw.get("type")
    if answer_type not in AnswerType.values:
        raise PathwayFileError(f"{where}: type must be one of {AnswerType.values}.")
    required = raw.get("required", False)
    if not isinstance(required, bool):
        raise PathwayFileError(f"{where}: required must be true or false.")
    choices = raw.get("choices", [])
    if answer_type == AnswerType.CHOICE:
        if not isinstance(choices, list) or len(choices) < 2:
            raise PathwayFileError(f"{where}: a choice item needs at least two choices.")
        choice_keys = set()
        for choice in choices:
            if not isinstance(choice, dict) or not isinstance(choice.get("key"), str):
                raise PathwayFileError(f"{where}: every choice needs a key, da and en.")
            _unknown(choice, {"key", "da", "en"}, where)
            _bilingual({"da": choice.get("da"), "en": choice.get("en")}, where, "choice")
            if choice["key"] in choice_keys:
                raise PathwayFileError(f"{where}: duplicate choice key {choice['key']}.")
            choice_keys.add(choice["key"])
    elif choices:
        raise PathwayFileError(f"{where}: only choice items may have choices.")
    signoff = raw.get("signoff") or ""
    if signoff and signoff not in Role.values:
        raise PathwayFileError(f"{where}: signoff must be one of {Role.values}.")
    sources = raw.get("sources", [])
    if not isinstance(sources, list):
        raise PathwayFileError(f"{where}: sources must be a list.")
    for source in sources:
        if not isinstance(source, dict) or not source.get("title"):
            raise PathwayFileError(f"{where}: every source needs a title.")
        _unknown(source, SOURCE_KEYS, where)
        url = source.get("url", "")
        if url and not str(url).startswith("https://"):
            raise PathwayFileError(f"{where}: source URLs must start with https://.")
    condition = _parse_condition(raw.get("condition"), where, "condition")
    required_when = _parse_condition(raw.get("required_when"), where, "required_when")
    if required_when and required:
        raise PathwayFileError(f"{where}: required_when makes no sense on a required item.")
    return {
        "key": key,
        "text_da": text_da,
        "text_en": text_en,
        "help_da": help_da,
        "help_en": help_en,
        "change_note_da": note_da,
        "change_note_en": note_en,
        "role": role,
        "answer_type": answer_type,
        "required": required,
        "choices": choices if answer_type == AnswerType.CHOICE else [],
        "condition": condition,
        "required_when": required_when,
        "signoff_role": signoff,
        "sources": [{k: str(v) for k, v in source.items()} for source in sources],
    }


def _parse_condition(raw: Any, where: str, field: str) -> dict:
    """`{item: KEY, equals: V}`, `{item: KEY, in: [V, ...]}` or `{rule: NAME}`."""
    if not raw:
        return {}
    if not isinstance(raw, dict):
        raise PathwayFileError(f"{where}: {field} must be a mapping.")
    if "rule" in raw:
        if set(raw) != {"rule"}:
            raise PathwayFileError(f"{where}: a {field} with a rule takes nothing else.")
        if raw["rule"] not in RULES:
            raise PathwayFileError(
                f"{where}: {field} names the unknown rule '{raw['rule']}' "
                f"(known: {', '.join(sorted(RULES)) or 'none'})."
            )
        return {"rule": raw["rule"]}
    if set(raw) - {"item", "equals", "in"} or "item" not in raw:
        raise PathwayFileError(f"{where}: {field} must have 'item' and 'equals' or 'in'.")
    if ("equals" in raw) == ("in" in raw):
        raise PathwayFileError(f"{where}: {field} needs exactly one of 'equals' and 'in'.")
    return dict(raw)


def _check_condition(item: dict, earlier: dict[str, dict], file_name: str) -> None:
    for field in ("condition", "required_when"):
        if item[field] and "item" in item[field]:
            item[field] = _resolve_item_condition(item, item[field], field, earlier, file_name)


def _resolve_item_condition(
    item: dict, condition: dict, field: str, earlier: dict[str, dict], file_name: str
) -> dict:
    where = f"{file_name}: item {item['key']}"
    target = earlier.get(condition.get("item"))
    if target is None:
        raise PathwayFileError(
            f"{where}: {field} points to '{condition.get('item')}', which is not an item "
            "earlier in the pathway."
        )
    values = [condition["equals"]] if "equals" in condition else condition["in"]
    if not isinstance(values, list) or not values:
        raise PathwayFileError(f"{where}: condition 'in' must be a non-empty list.")
    if target["answer_type"] == AnswerType.YES_NO_NA:
        allowed = set(YES_NO_NA)
    elif target["answer_type"] == AnswerType.CHOICE:
        allowed = {choice["key"] for choice in target["choices"]}
    else:
        raise PathwayFileError(f"{where}: conditions may only refer to yes/no or choice items.")
    bad = [value for value in values if value not in allowed]
    if bad:
        raise PathwayFileError(f"{where}: condition value(s) {bad} are not answers of that item.")
    return {"item": condition["item"], "values": values}


def discover_files(directory: Path = PATHWAY_DIR) -> list[Path]:
    return sorted(directory.glob("*.yaml"))


def load_pathways(paths: list[Path] | None = None) -> list[LoadResult]:
    """Validate all files, then load the new ones in one transaction. Raises PathwayFileError."""
    parsed = [parse_pathway_file(path) for path in (paths or discover_files())]
    check_continuations(parsed)
    results = []
    with transaction.atomic():
        for data in parsed:
            existing = Pathway.objects.filter(slug=data["slug"], version=data["version"]).first()
            if existing:
                if existing.checksum != data["checksum"]:
                    raise PathwayFileError(
                        f"{data['source_file']}: version {data['version']} of '{data['slug']}' is "
                        "already published with different content. Never edit a published "
                        "version: copy it to a new file with a higher version."
                    )
                results.append(LoadResult(data["slug"], data["version"], created=False))
                continue
            _create(data)
            results.append(LoadResult(data["slug"], data["version"], created=True))
    return results


def create_pathway(parsed: dict, **owner: Any) -> Pathway:
    """Write one parsed, validated pathway version (see `parse_pathway_bytes`), with its owner
    and origin fields; the caller opens the transaction and has checked that the (slug, version)
    is new."""
    return _create(copy.deepcopy({**parsed, **owner}))


def _create(data: dict) -> Pathway:
    stages = data.pop("stages")
    pathway = Pathway.objects.create(**data)
    for order, stage_data in enumerate(stages):
        items = stage_data.pop("items")
        stage = Stage.objects.create(pathway=pathway, order=order, **stage_data)
        ChecklistItem.objects.bulk_create(
            ChecklistItem(stage=stage, order=index, **item) for index, item in enumerate(items)
        )
    return pathway
