"""A pathway's content as the dict the YAML files hold: built from a published version, dumped
as the files' YAML, validated by the loader, compared (diff) and merged (three-way).

Drafts store this dict, so what an editor changes in the browser, what is exported for review
and what the loader reads are one format. Everything here is pure: no database writes.
"""

import copy
import hashlib
from dataclasses import dataclass, field
from typing import Any

import yaml

from checklists.loading import PathwayFileError, Problem, check_continuations, parse_pathway_bytes
from checklists.models import Pathway

PATHWAY_FIELDS = ("name", "description", "continues_into")
STAGE_FIELDS = ("name", "purpose", "responsible_body", "gate_question", "roles", "tools")
ITEM_FIELDS = (
    "text", "help", "role", "type", "required", "choices", "condition", "required_when",
    "signoff", "sources", "change_note",
)  # fmt: skip


def _bilingual(da: str, en: str) -> dict | None:
    return {"da": da, "en": en} if (da or en) else None


def _condition(condition: dict) -> dict | None:
    """The loader's normalised condition back in the files' form."""
    if not condition:
        return None
    if "rule" in condition:
        return {"rule": condition["rule"]}
    values = list(condition["values"])
    if len(values) == 1:
        return {"item": condition["item"], "equals": values[0]}
    return {"item": condition["item"], "in": values}


def compact(entry: dict) -> dict:
    """Leave out what is empty, as a hand-written file would."""
    return {key: value for key, value in entry.items() if value not in (None, "", [], {})}


# The keys of a choice and of a source in the files' order. PostgreSQL's jsonb keeps a stored
# object's keys in its own order, so the content (and the checksum of its export) would differ
# between databases without this.
CHOICE_ORDER = ("key", "da", "en")
SOURCE_ORDER = ("title", "article", "url")


# Every key of a pathway file, in the order the files write them (each level's keys are its own).
FILE_ORDER = (
    "slug", "version", "key", "name", "text", "description", "purpose", "help", "role",
    "responsible_body", "gate_question", "type", "required", "roles", "tools", "choices",
    "condition", "required_when", "signoff", "sources", "change_note", "continues_into",
    "continue_at", "da", "en", "title", "article", "url", "stages", "items",
)  # fmt: skip


def _canonical(value):
    """The content with every object's keys in the files' order, whatever order the database
    kept them in (a draft is stored as jsonb on PostgreSQL), so its export and checksum are the
    same on every database."""
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in _in_order(value, FILE_ORDER).items()}
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    return value


def _in_order(data: dict, order: tuple[str, ...]) -> dict:
    known = {key: data[key] for key in order if key in data}
    return {**known, **{key: data[key] for key in sorted(data) if key not in known}}


def pathway_content(pathway: Pathway) -> dict:
    """A published version's content in the files' structure (three queries)."""
    stages = []
    for stage in pathway.stages.prefetch_related("items").order_by("order"):
        items = []
        for item in stage.items.all():
            items.append(
                compact(
                    {
                        "key": item.key,
                        "text": _bilingual(item.text_da, item.text_en),
                        "help": _bilingual(item.help_da, item.help_en),
                        "role": item.role,
                        "type": item.answer_type,
                        "required": item.required or None,
                        "choices": [_in_order(choice, CHOICE_ORDER) for choice in item.choices],
                        "condition": _condition(item.condition),
                        "required_when": _condition(item.required_when),
                        "signoff": item.signoff_role,
                        "sources": [_in_order(source, SOURCE_ORDER) for source in item.sources],
                        "change_note": _bilingual(item.change_note_da, item.change_note_en),
                    }
                )
            )
        stages.append(
            compact(
                {
                    "key": stage.key,
                    "name": _bilingual(stage.name_da, stage.name_en),
                    "purpose": _bilingual(stage.purpose_da, stage.purpose_en),
                    "responsible_body": stage.responsible_body,
                    "gate_question": _bilingual(stage.gate_question_da, stage.gate_question_en),
                    "roles": list(stage.roles),
                    "tools": list(stage.tools),
                    "items": items,
                }
            )
        )
    continuation = (
        {"pathway": pathway.continues_into, "stage": pathway.continue_at}
        if pathway.continues_into
        else None
    )
    return compact(
        {
            "slug": pathway.slug,
            "version": pathway.version,
            "name": _bilingual(pathway.name_da, pathway.name_en),
            "description": _bilingual(pathway.description_da, pathway.description_en),
            "continues_into": continuation,
            "stages": stages,
        }
    )


def without_change_notes(content: dict) -> dict:
    """The content for a new version: the notes said why the previous version changed."""
    content = copy.deepcopy(content)
    for stage in content.get("stages") or []:
        for item in stage.get("items") or []:
            if isinstance(item, dict):
                item.pop("change_note", None)
    return content


def dump_yaml(content: dict, *, slug: str, version: int) -> bytes:
    """The content as a pathway file (the export, and what a published version's checksum is
    computed from)."""
    ordered = {"slug": slug, "version": version}
    ordered.update((k, v) for k, v in content.items() if k not in ("slug", "version"))
    ordered = _canonical(ordered)
    text = yaml.safe_dump(
        ordered, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100
    )
    return text.encode("utf-8")


def file_name(slug: str, version: int) -> str:
    return f"{slug}.v{version}.yaml"


def parse_content(content: dict, *, slug: str, version: int) -> dict:
    """Validate the content with the loader's rules, as the file it exports to; return the
    loader's parsed structure. Raises PathwayFileError with every problem."""
    raw = dump_yaml(content, slug=slug, version=version)
    parsed = parse_pathway_bytes(raw, file_name(slug, version))
    check_continuations([parsed])
    return parsed


def content_problems(content: dict, *, slug: str, version: int) -> list[Problem]:
    """Every problem the loader finds, each with the key of its item or stage ("" for the
    pathway), the file name taken off the message."""
    try:
        parse_content(content, slug=slug, version=version)
    except PathwayFileError as exc:
        prefix = file_name(slug, version) + ": "
        return [Problem(p.key, p.message.removeprefix(prefix)) for p in exc.problems]
    return []


def content_checksum(content: dict, *, slug: str, version: int) -> str:
    return hashlib.sha256(dump_yaml(content, slug=slug, version=version)).hexdigest()


# --- Diff ---------------------------------------------------------------------------------


def _value(entry: dict | None, name: str) -> Any:
    value = (entry or {}).get(name)
    return None if value in (None, "", [], {}, False) else value


@dataclass
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass
class EntryChange:
    """A stage or item that was added, removed or changed, with its changed fields."""

    key: str
    status: str  # "added", "removed", "changed"
    fields: list[FieldChange] = field(default_factory=list)
    items: list["EntryChange"] = field(default_factory=list)


@dataclass
class ContentDiff:
    pathway: list[FieldChange]
    stages: list[EntryChange]

    def __bool__(self) -> bool:
        return bool(self.pathway or self.stages)

    def item_keys(self) -> set[str]:
        return {item.key for stage in self.stages for item in stage.items}


def _field_changes(old: dict | None, new: dict | None, names) -> list[FieldChange]:
    return [
        FieldChange(name, _value(old, name), _value(new, name))
        for name in names
        if _value(old, name) != _value(new, name)
    ]


def _by_key(entries) -> dict[str, dict]:
    return {e["key"]: e for e in entries or [] if isinstance(e, dict) and "key" in e}


def _entry_changes(old_list, new_list, names, nested=None) -> list[EntryChange]:
    old, new = _by_key(old_list), _by_key(new_list)
    changes = []
    for key, entry in new.items():
        if key not in old:
            changes.append(EntryChange(key, "added", _field_changes(None, entry, names)))
            continue
        fields = _field_changes(old[key], entry, names)
        inner = nested(old[key], entry) if nested else []
        if fields or inner:
            changes.append(EntryChange(key, "changed", fields, inner))
    changes += [EntryChange(key, "removed") for key in old if key not in new]
    return changes


def diff_content(old: dict, new: dict) -> ContentDiff:
    """What changed from `old` to `new`: the pathway's fields, and stages and items (by key)
    added, removed or with changed fields. Both are dicts in the files' structure."""

    def items(old_stage, new_stage):
        return _entry_changes(old_stage.get("items"), new_stage.get("items"), ITEM_FIELDS)

    return ContentDiff(
        pathway=_field_changes(old, new, PATHWAY_FIELDS),
        stages=_entry_changes(old.get("stages"), new.get("stages"), STAGE_FIELDS, items),
    )


# --- Three-way merge ----------------------------------------------------------------------


def _same(a: dict, b: dict, names) -> bool:
    return not _field_changes(a, b, names)


def _same_stage(a: dict, b: dict) -> bool:
    return _same(a, b, STAGE_FIELDS) and not _entry_changes(
        a.get("items"), b.get("items"), ITEM_FIELDS
    )


def _conflict(key: str, name: str, local: Any, theirs: Any) -> dict:
    return {"key": key, "field": name, "local": local, "theirs": theirs}


def _merge_fields(base, theirs, local, names, key, conflicts) -> dict:
    merged = copy.deepcopy(local)
    for name in names:
        b, t, loc = _value(base, name), _value(theirs, name), _value(local, name)
        if t == b or t == loc:
            continue
        if loc == b:
            if t is None:
                merged.pop(name, None)
            else:
                merged[name] = copy.deepcopy(theirs[name])
        else:
            conflicts.append(_conflict(key, name, loc, t))
    return merged


def _merge_list(base_list, theirs_list, local_list, merge_one, same, conflicts) -> list:
    base, theirs = _by_key(base_list), _by_key(theirs_list)
    local_keys = set(_by_key(local_list))
    result = []
    for entry in local_list or []:
        key = entry.get("key") if isinstance(entry, dict) else None
        if key in base and key not in theirs:  # the publisher removed it
            if same(entry, base[key]):
                continue
            conflicts.append(_conflict(key, "", "changed", "removed"))
            result.append(entry)
        elif key in base:
            result.append(merge_one(base[key], theirs[key], entry))
        elif key in theirs and not same(entry, theirs[key]):  # both added the same key
            conflicts.append(_conflict(key, "", "added", "added"))
            result.append(entry)
        else:
            result.append(entry)
    theirs_order = [e["key"] for e in theirs_list or [] if isinstance(e, dict)]
    for position, key in enumerate(theirs_order):
        if key in local_keys:
            continue
        if key in base:  # removed here; a conflict only when the publisher changed it since
            if not same(theirs[key], base[key]):
                conflicts.append(_conflict(key, "", "removed", "changed"))
            continue
        # Added by the publisher: after the nearest earlier entry both have, else first.
        earlier = [k for k in theirs_order[:position] if k in _by_key(result)]
        index = (
            next(i for i, e in enumerate(result) if e.get("key") == earlier[-1]) + 1
            if (earlier)
            else 0
        )
        result.insert(index, copy.deepcopy(theirs[key]))
    return result


def merge_content(base: dict, theirs: dict, local: dict) -> tuple[dict, list[dict]]:
    """Apply the publisher's changes from `base` (the version adopted or last merged) to
    `theirs` (its newer version) onto `local` (the adopter's newest version).

    Where local changed the same field (or removed or added the same stage or item), local is
    kept and the conflict listed (`{key, field, local, theirs}`) for the editor to decide."""
    conflicts: list[dict] = []

    def merge_item(b, t, loc):
        return _merge_fields(b, t, loc, ITEM_FIELDS, loc["key"], conflicts)

    def merge_stage(b, t, loc):
        merged = _merge_fields(b, t, loc, STAGE_FIELDS, loc["key"], conflicts)
        merged["items"] = _merge_list(
            b.get("items"),
            t.get("items"),
            loc.get("items"),
            merge_item,
            lambda x, y: _same(x, y, ITEM_FIELDS),
            conflicts,
        )
        return merged

    merged = _merge_fields(base, theirs, local, PATHWAY_FIELDS, "", conflicts)
    merged["stages"] = _merge_list(
        base.get("stages"),
        theirs.get("stages"),
        local.get("stages"),
        merge_stage,
        _same_stage,
        conflicts,
    )
    return merged, conflicts


# --- Editing ------------------------------------------------------------------------------


def find_stage(content: dict, key: str) -> dict | None:
    return next((s for s in content.get("stages") or [] if s.get("key") == key), None)


def find_item(content: dict, key: str) -> tuple[dict, dict] | tuple[None, None]:
    """The stage and the item with this key."""
    for stage in content.get("stages") or []:
        for item in stage.get("items") or []:
            if item.get("key") == key:
                return stage, item
    return None, None


def replace_item(content: dict, key: str, item: dict) -> None:
    stage, old = find_item(content, key)
    if stage is None:
        raise KeyError(key)
    items = stage["items"]
    items[items.index(old)] = item


def append_item(content: dict, stage_key: str, item: dict) -> None:
    stage = find_stage(content, stage_key)
    if stage is None:
        raise KeyError(stage_key)
    stage.setdefault("items", []).append(item)


def remove_item(content: dict, key: str) -> None:
    stage, old = find_item(content, key)
    if stage is None:
        raise KeyError(key)
    stage["items"].remove(old)


def replace_stage_fields(content: dict, key: str, fields: dict) -> None:
    """Set a stage's own fields (not its key or items); an empty field is left out."""
    stage = find_stage(content, key)
    if stage is None:
        raise KeyError(key)
    for name in STAGE_FIELDS:
        stage.pop(name, None)
    stage.update(compact(fields))


def set_field(content: dict, key: str, name: str, value: Any) -> None:
    """Set one field of the pathway (key ""), a stage or an item; None leaves it out."""
    entry = content if not key else find_item(content, key)[1] or find_stage(content, key)
    if entry is None:
        raise KeyError(key)
    if value is None:
        entry.pop(name, None)
    else:
        entry[name] = copy.deepcopy(value)


def append_stage(content: dict, stage: dict) -> None:
    content.setdefault("stages", []).append(stage)


def remove_stage(content: dict, key: str) -> None:
    stage = find_stage(content, key)
    if stage is None:
        raise KeyError(key)
    content["stages"].remove(stage)


def move_item(content: dict, key: str, offset: int) -> None:
    """Move an item up (-1) or down (+1) within its stage; at either end it stays."""
    stage, item = find_item(content, key)
    if stage is None:
        raise KeyError(key)
    items = stage["items"]
    index = items.index(item)
    target = index + offset
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
