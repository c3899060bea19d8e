"""What a dossier holds: one structure, built from the same context functions as the project
pages, that is both the PDF template's context and (as JSON) the attached dossier.json.

Everything here reads; nothing writes. Call it inside `translation.override(language)`: labels
and formatted answers come out in that language. Values that are data (keys, raw answers,
hashes, times) are language-independent; the *_label and `display` fields are for people.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.core.serializers.json import DjangoJSONEncoder
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from checklists.extensions import TOOLS, StageTool
from checklists.models import ChecklistItem, Stage
from checklists.roles import AnswerType
from procurement.gates import ItemStatus, StageStatus, evaluate_items
from procurement.history import labelled_entries
from procurement.journal import chain_head
from procurement.models import (
    STOPPED_STATE,
    TRANSITIONS,
    Action,
    Answer,
    Evidence,
    Project,
    SignOff,
)
from procurement.project_page import display_value, project_context
from procurement.services import NEED_STATEMENT_KEY

from .models import DossierVersion

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
GENERIC_TOOL_TEMPLATE = "dossier/pdf/_generic_tool.html"
SUMMARY_FILE = Path(__file__).resolve().parent / "summary.yaml"


@dataclass
class DossierContent:
    context: dict[str, Any]  # for templates/dossier/pdf/dossier.html
    data: dict[str, Any]  # dossier.json

    def json_bytes(self) -> bytes:
        return json.dumps(
            self.data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2, sort_keys=False
        ).encode("utf-8")


@cache
def summary_fields(pathway_slug: str) -> dict[str, list[str]]:
    """Which answers the summary quotes for a pathway (dossier/summary.yaml)."""
    data = yaml.safe_load(SUMMARY_FILE.read_text(encoding="utf-8")) or {}
    return data.get(pathway_slug, {})


def person(user) -> dict[str, str] | None:
    if user is None:
        return None
    return {"username": user.get_username(), "name": str(user)}


def build_dossier(
    project: Project, *, number: int, generated_at: datetime, generated_by
) -> DossierContent:
    """Everything the dossier shows, as of now."""
    # The page context is built for a person; only their forms and actions depend on who it is,
    # and the dossier uses neither.
    page = project_context(project, generated_by or project.owner)
    statuses = _stage_statuses(project, page["status"])
    timeline_state = {row["stage"].pk: row["state"] for row in page["timeline"]}

    evidence = list(
        Evidence.objects.filter(project=project).select_related("uploaded_by", "item__stage")
    )
    current_evidence = {
        s.answer.evidence_id for st in statuses for s in st.items if s.answer and s.answer.evidence
    }
    history = labelled_entries(project)
    head = chain_head(project)
    approvals = _approvals_by_stage(history)
    stages = [
        _stage_data(stage, statuses[stage.order], timeline_state[stage.pk], approvals)
        for stage in project.stages
    ]
    items_by_key = {item["key"]: item for stage in stages for item in stage["items"]}
    tools, tool_blocks = _tools(project)

    data = {
        "schema_version": SCHEMA_VERSION,
        "dossier": {
            "version": number,
            "generated_at": generated_at,
            "generated_by": person(generated_by),
            "language": get_language(),
            # The journal as it stood: a later dossier's journal must begin with these entries.
            "journal": {"entries": head.count, "head": head.hash},
        },
        "project": _project_data(project),
        "pathway": {
            "slug": project.pathway.slug,
            "version": project.pathway.version,
            "name": project.pathway.name,
            "checksum": project.pathway.checksum,
        },
        "team": [
            {
                "user": person(membership.user),
                "role": membership.role,
                "role_label": str(membership.get_role_display()),
                "owner": membership.user_id == project.owner_id,
            }
            for membership in page["memberships"]
        ],
        "summary": _summary(project, page, stages, items_by_key, tool_blocks, history),
        "stages": stages,
        "transitions": _transitions(project, history),
        "evidence": [_evidence_data(e, e.pk in current_evidence) for e in evidence],
        "signoffs": _signoffs(project, statuses),
        "sources": _sources(stages),
        "history": [_history_data(entry) for entry in history],
        "previous_versions": [
            {
                "number": version.number,
                "generated_at": version.created_at,
                "generated_by": person(version.created_by),
                "stage": version.stage_key or None,
                "sha256": version.sha256,
                "size": version.size,
            }
            for version in DossierVersion.objects.filter(project=project)
            .select_related("created_by")
            .order_by("number")
        ],
        "tools": tools,
    }
    need = items_by_key.get(NEED_STATEMENT_KEY)
    context = {
        "d": data,
        "project": project,
        # The need as the team states it now (the first stage's answer, which starts as the text
        # typed when the project was created), else the text typed then.
        "clinical_need": (need["answer"]["display"] if need and need["answer"] else "")
        or project.clinical_need,
        "stage_views": [
            {
                "stage": stage,
                "tools": tool_blocks.get(stage["key"], []),
                "not_applicable": [item for item in stage["items"] if not item["applicable"]],
            }
            for stage in stages
        ],
        "generated_by_label": str(generated_by) if generated_by else _("command line"),
        "events": _events(data),
    }
    return DossierContent(context=context, data=data)


def _stage_statuses(project: Project, current: StageStatus) -> list[StageStatus]:
    """Each stage's checklist status, in pathway order, judged by the gate's own pure function
    (`evaluate_items`) from one load of the project's items, answers and sign-offs (a fixed
    number of queries, however many stages)."""
    items_by_stage: dict[int, list[ChecklistItem]] = defaultdict(list)
    for item in ChecklistItem.objects.filter(stage__pathway_id=project.pathway_id):
        items_by_stage[item.stage_id].append(item)
    answers = list(
        Answer.objects.filter(project=project).select_related("item", "evidence", "answered_by")
    )
    answers_by_item = {answer.item_id: answer for answer in answers}
    values_by_key = {  # archived answers (from an earlier pathway version) feed no condition
        answer.item.key: answer.value
        for answer in answers
        if answer.item.stage_id in items_by_stage
    }
    signoffs_by_stage: dict[int, list[SignOff]] = defaultdict(list)
    for signoff in SignOff.objects.filter(project=project).select_related("user", "item"):
        signoffs_by_stage[signoff.item.stage_id].append(signoff)
    result = []
    for stage in project.stages:
        if current.stage is not None and stage.pk == current.stage.pk:
            result.append(current)  # already loaded, with the tools' gate reasons
            continue
        items = evaluate_items(
            items_by_stage[stage.pk], answers_by_item, values_by_key, signoffs_by_stage[stage.pk]
        )
        result.append(StageStatus(stage=stage, items=items))
    return result


def _project_data(project: Project) -> dict[str, Any]:
    current = project.current_stage
    return {
        "id": project.pk,
        "title": project.title,
        "organisation": project.organisation.name,
        "department": project.department,
        "clinical_need": project.clinical_need,
        "product": project.product_name,
        "vendor": project.vendor_name,
        "owner": person(project.owner),
        "state": project.state,
        "state_label": project.state_label,
        "current_stage": current.key if current else None,
        "current_stage_label": f"{current.number}. {current.name}" if current else "",
        "approval_requested": bool(project.approval_requested_by_id),
        "created_at": project.created_at,
    }


def _approvals_by_stage(history) -> dict[str, Any]:
    """The latest approval that moved the project out of each stage."""
    approvals = {}
    for entry in history:
        if entry.action == Action.APPROVED:
            approvals[entry.from_state] = entry
    return approvals


def _stage_data(stage: Stage, status: StageStatus, state: str, approvals: dict) -> dict:
    approval = approvals.get(stage.key)
    items = [_item_data(stage, s) for s in status.items]
    return {
        "key": stage.key,
        "number": stage.number,
        "name": stage.name,
        "status": state,
        "status_label": _stage_state_label(state),
        "responsible_body": str(stage.get_responsible_body_display()),
        "gate_question": stage.gate_question,
        "roles": [str(label) for label in stage.role_labels()],
        "approval": {
            "by": person(approval.by),
            "at": approval.at,
            "comment": approval.comment,
        }
        if approval and state == "done"
        else None,
        "answered_count": sum(1 for i in items if i["applicable"] and i["answered"]),
        "applicable_count": sum(1 for i in items if i["applicable"]),
        "items": items,
    }


def _stage_state_label(state: str) -> str:
    return {
        "done": _("approved"),
        "current": _("current stage"),
        "stopped": _("stopped here"),
        "future": _("not started"),
    }[state]


def _item_data(stage: Stage, status: ItemStatus) -> dict[str, Any]:
    item = status.item
    answer = status.answer
    answer_data = None
    if answer is not None:
        evidence = answer.evidence
        answer_data = {
            "value": answer.value,
            "display": _answer_display(item, answer),
            "justification": answer.justification,
            "not_applicable": item.answer_type == AnswerType.YES_NO_NA and answer.value == "na",
            "revision": answer.revision,
            "answered_by": person(answer.answered_by),
            "answered_at": answer.updated_at,
            "evidence": {
                "id": evidence.pk,
                "name": evidence.original_name,
                "size": evidence.size,
                "sha256": evidence.sha256,
            }
            if evidence
            else None,
        }
    signoff = status.signoff
    return {
        "key": item.key,
        "number": f"{stage.number}.{item.order + 1}",
        "text": item.text,
        "answer_type": item.answer_type,
        "role": item.role,
        "role_label": item.role_label,
        "required": status.required,
        "applicable": status.applicable,
        "answered": status.answered,
        "answer": answer_data,
        "signoff_role": item.signoff_role or None,
        "signoff_role_label": item.signoff_role_label,
        "signoff": {
            "user": person(signoff.user),
            "role": signoff.role,
            "role_label": str(signoff.get_role_display()),
            "at": signoff.created_at,
            "revision": signoff.answer_revision,
        }
        if signoff
        else None,
        "sources": [dict(source) for source in item.sources],
    }


def _answer_display(item, answer) -> str:
    if item.answer_type == AnswerType.EVIDENCE:
        return answer.evidence.original_name if answer.evidence else ""
    return display_value(item, answer.value)


def _transitions(project: Project, history) -> list[dict[str, Any]]:
    """Every approval, return, stop, reopen and retirement, with the gate question asked."""
    rows = []
    for entry in history:
        if entry.action not in TRANSITIONS:
            continue
        stage = project.stage(entry.from_state)
        question = stage.gate_question if stage else ""
        if entry.action == Action.APPROVED:
            answer = _("Yes: approved")
        elif entry.action == Action.RETURNED:
            answer = _("No: returned to %(stage)s") % {"stage": entry.to_label}
        elif entry.action == Action.STOPPED:
            answer = _("No: the project was stopped")
        else:
            question, answer = "", ""
        rows.append(
            {
                **_history_data(entry),
                "gate_question": question,
                "gate_answer": answer,
            }
        )
    return rows


def _history_data(entry) -> dict[str, Any]:
    return {
        "action": entry.action,
        "action_label": str(entry.get_action_display()).capitalize(),
        "from": entry.from_state or None,
        "from_label": entry.from_label,
        "to": entry.to_state or None,
        "to_label": entry.to_label,
        "by": person(entry.by),
        "at": entry.at,
        "comment": entry.comment,
        "seq": entry.seq,
        "stage": entry.stage_key or None,
        "subject": entry.subject,
        "before": entry.before,
        "after": entry.after,
        "hash": entry.hash,
    }


def _evidence_data(evidence: Evidence, current: bool) -> dict[str, Any]:
    return {
        "id": evidence.pk,
        "item": evidence.item.key,
        "item_text": evidence.item.text,
        "name": evidence.original_name,
        "content_type": evidence.content_type,
        "size": evidence.size,
        "sha256": evidence.sha256,
        "uploaded_by": person(evidence.uploaded_by),
        "uploaded_at": evidence.uploaded_at,
        "current": current,
    }


def _signoffs(project: Project, statuses: list[StageStatus]) -> list[dict[str, Any]]:
    """Every sign-off ever given; `valid` says whether it covers the current answer."""
    valid = {s.signoff.pk for st in statuses for s in st.items if s.signoff}
    return [
        {
            "item": signoff.item.key,
            "revision": signoff.answer_revision,
            "role": signoff.role,
            "user": person(signoff.user),
            "at": signoff.created_at,
            "valid": signoff.pk in valid,
        }
        for signoff in SignOff.objects.filter(project=project).select_related("item", "user")
    ]


def _sources(stages: list[dict]) -> list[dict[str, Any]]:
    """The sources cited by the items that apply, once each, with the items citing them."""
    by_source: dict[tuple, dict] = {}
    for stage in stages:
        for item in stage["items"]:
            if not item["applicable"]:
                continue
            for source in item["sources"]:
                key = (source.get("title", ""), source.get("article", ""), source.get("url", ""))
                entry = by_source.setdefault(
                    key,
                    {"title": key[0], "article": key[1], "url": key[2], "items": [], "numbers": []},
                )
                entry["items"].append(item["key"])
                entry["numbers"].append(item["number"])
    return sorted(by_source.values(), key=lambda s: (s["title"].lower(), s["article"]))


def _tools(project: Project) -> tuple[dict, dict]:
    """Each stage tool's dossier data ({stage key: {tool name: data}}) and what to render. A tool
    no app registers any more (its pathway named it when it was loaded) has nothing to add."""
    data: dict[str, dict[str, Any]] = {}
    blocks: dict[str, list[dict]] = {}
    for stage in project.stages:
        for name in stage.tools:
            tool = TOOLS.get(name)
            if tool is None:
                continue
            result = tool.dossier_data(project=project, stage=stage)
            if not result:
                continue
            data.setdefault(stage.key, {})[name] = result
            blocks.setdefault(stage.key, []).append(
                {
                    "name": name,
                    "template": _tool_template(tool),
                    "data": result,
                    "rows": _flat(result),
                }
            )
    return data, blocks


def _tool_template(tool: StageTool) -> str:
    """The tool's print template, or a generic table of its data when the template is not
    installed (its data still belongs in the archive)."""
    try:
        get_template(tool.dossier_template_name)
    except TemplateDoesNotExist:
        logger.warning(
            "Stage tool %s: dossier template %s not found", tool.name, tool.dossier_template_name
        )
        return GENERIC_TOOL_TEMPLATE
    return tool.dossier_template_name


def _flat(value: Any, path: str = "", limit: int = 200) -> list[tuple[str, str]]:
    """Nested data as (path, text) rows, for the generic tool table."""
    rows: list[tuple[str, str]] = []
    if isinstance(value, dict):
        for key, child in value.items():
            rows += _flat(child, f"{path}.{key}" if path else str(key), limit)
    elif isinstance(value, list | tuple):
        for index, child in enumerate(value, start=1):
            rows += _flat(child, f"{path}[{index}]", limit)
    else:
        rows.append((path, "" if value is None else str(value)[:500]))
    return rows[:limit]


def _summary(project, page, stages, items_by_key, tool_blocks, history) -> dict[str, Any]:
    fields = summary_fields(project.pathway.slug)

    def quoted(group: str) -> list[dict[str, Any]]:
        rows = []
        for key in fields.get(group, []):
            item = items_by_key.get(key)
            if item and item["applicable"] and item["answer"]:
                rows.append({"key": key, "text": item["text"], "answer": item["answer"]["display"]})
        return rows

    open_issues = [
        {"code": reason.code, "message": reason.message, "items": list(reason.items)}
        for reason in page["gate"]["reasons"]
    ]
    if project.state == STOPPED_STATE:
        stop = next((e for e in reversed(history) if e.action == Action.STOPPED), None)
        open_issues.insert(
            0,
            {
                "code": "stopped",
                "message": _("The project is stopped: %(reason)s")
                % {"reason": stop.comment if stop else ""},
                "items": [],
            },
        )
    tool_results = [
        {"stage": stage["name"], "summary": block["data"]["summary"]}
        for stage in stages
        for block in tool_blocks.get(stage["key"], [])
        if isinstance(block["data"], dict) and isinstance(block["data"].get("summary"), str)
    ]
    return {
        "need": quoted("need"),
        "intended_use": quoted("intended_use"),
        "data_protection": quoted("data_protection"),
        "key_results": quoted("key_results"),
        "tool_results": tool_results,
        "stages_approved": sum(1 for stage in stages if stage["status"] == "done"),
        "stages_total": len(stages),
        "items_answered": sum(stage["answered_count"] for stage in stages),
        "open_issues": open_issues,
    }


def _events(data: dict) -> list[dict[str, Any]]:
    """The full history for the PDF: the project's history and earlier dossier versions."""
    events = [dict(entry, kind="history") for entry in data["history"]]
    events += [
        {
            "kind": "dossier",
            "at": version["generated_at"],
            "by": version["generated_by"],
            "action_label": _("Dossier version %(number)s generated") % version,
            "comment": f"SHA-256 {version['sha256']}",
            "from_label": "",
            "to_label": "",
        }
        for version in data["previous_versions"]
    ]
    return sorted(events, key=lambda event: event["at"])
