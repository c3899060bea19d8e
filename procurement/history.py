"""Reading the journal as the history tab shows it: filtered by stage, person and kind, each
entry with its old and new value in words. Reads only; the journal itself is written by
`journal.record`."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from checklists.models import ChecklistItem
from checklists.roles import Role

from .journal import ChainHead, chain_head, verify_chain
from .models import KIND_OF_ACTION, Action, HistoryEntry, Kind, Project
from .project_page import display_value

ANSWER_ACTIONS = (Action.ANSWERED, Action.EVIDENCE_UPLOADED)
TEAM_ACTIONS = (Action.MEMBER_ADDED, Action.MEMBER_REMOVED)
REQUIREMENT_ACTIONS = (
    Action.REQUIREMENT_ADDED,
    Action.REQUIREMENT_CHANGED,
    Action.REQUIREMENT_MOVED,
    Action.REQUIREMENT_REMOVED,
)


@dataclass
class HistoryFilter:
    stage: str = ""
    person: int | None = None
    kind: str = ""

    @classmethod
    def from_query(cls, params) -> "HistoryFilter":
        """From the page's query string; unknown values are ignored rather than refused."""
        person = params.get("person", "")
        kind = params.get("kind", "")
        return cls(
            stage=params.get("stage", "")[:80],
            person=int(person) if person.isdigit() else None,
            kind=kind if kind in Kind.values else "",
        )

    @property
    def active(self) -> bool:
        return bool(self.stage or self.person or self.kind)


@dataclass
class HistoryRow:
    entry: HistoryEntry
    what: str
    stage_label: str
    from_label: str
    to_label: str
    before: str
    after: str


def _actions_of(kind: str) -> list[str]:
    return [action for action, of in KIND_OF_ACTION.items() if of == kind]


def labelled_entries(project: Project, entries=None) -> list[HistoryEntry]:
    """The journal's entries (all, oldest first, unless given) with readable state names."""
    entries = list(project.history.select_related("by") if entries is None else entries)
    for entry in entries:
        entry.from_label = project.state_name(entry.from_state) if entry.from_state else ""
        entry.to_label = project.state_name(entry.to_state) if entry.to_state else ""
    return entries


def history_rows(project: Project, filters: HistoryFilter | None = None) -> list[HistoryRow]:
    """The project's journal, oldest first, as the history tab shows it (two queries)."""
    filters = filters or HistoryFilter()
    entries = project.history.select_related("by")
    if filters.stage:
        entries = entries.filter(stage_key=filters.stage)
    if filters.person:
        entries = entries.filter(by_id=filters.person)
    if filters.kind:
        entries = entries.filter(action__in=_actions_of(filters.kind))
    entries = labelled_entries(project, entries)
    keys = {e.subject for e in entries if e.action in ANSWER_ACTIONS + (Action.SIGNED_OFF,)}
    items = {
        item.key: item
        for item in ChecklistItem.objects.filter(stage__pathway=project.pathway, key__in=keys)
    }
    rows = []
    for entry in entries:
        before, after = describe_change(entry, items)
        stage = project.stage(entry.stage_key)
        rows.append(
            HistoryRow(
                entry=entry,
                what=_what(entry, items),
                stage_label=stage.name if stage else "",
                from_label=entry.from_label,
                to_label=entry.to_label,
                before=before,
                after=after,
            )
        )
    return rows


# Monitoring entries name their plan version, period or incident in a language-free subject.
MONITORING_ACTIONS = (
    Action.MONITORING_PLAN,
    Action.MONITORING_DATA,
    Action.MONITORING_ALARM,
    Action.MONITORING_INCIDENT,
)


def _what(entry: HistoryEntry, items: dict) -> str:
    label = str(entry.get_action_display()).capitalize()
    if entry.action in ANSWER_ACTIONS + (Action.SIGNED_OFF,):
        item = items.get(entry.subject)
        return f"{label}: {item.text if item else entry.subject}"
    if entry.action in REQUIREMENT_ACTIONS + MONITORING_ACTIONS and entry.subject:
        return f"{label}: {entry.subject}"
    return label


def _answer_text(item: ChecklistItem | None, data: dict | None) -> str:
    if not data:
        return ""
    parts = []
    if data.get("evidence"):
        parts.append(data["evidence"].get("name", ""))
    elif data.get("value"):
        value = data["value"]
        parts.append(display_value(item, value) if item is not None else value)
    if data.get("justification"):
        parts.append(_("justification: %(text)s") % {"text": data["justification"]})
    return " · ".join(parts)


def _member_text(data: dict | None) -> str:
    if not data:
        return ""
    role = data.get("role", "")
    label = Role(role).label if role in Role.values else role
    return f"{data.get('name') or data.get('user', '')} ({label})"


def _requirement_text(data: dict | None) -> str:
    if not data:
        return ""
    if "text" not in data:
        return f"#{data.get('position', '')}"
    text = f"#{data.get('position', '')} {data['text']}"
    if data.get("weight"):
        text += f" ({data['weight']} %)"
    return text


def _case_text(data: dict | None) -> str:
    if not data:
        return ""
    return _("%(years)s years, discount rate %(rate)s, %(lines)d lines") % {
        "years": data.get("horizon_years", ""),
        "rate": data.get("discount_rate", ""),
        "lines": len(data.get("lines") or []),
    }


def describe_change(entry: HistoryEntry, items: dict) -> tuple[str, str]:
    """The entry's old and new value in words (empty where the entry has none)."""
    if entry.action in ANSWER_ACTIONS:
        item = items.get(entry.subject)
        return _answer_text(item, entry.before), _answer_text(item, entry.after)
    if entry.action in TEAM_ACTIONS:
        return _member_text(entry.before), _member_text(entry.after)
    if entry.action in REQUIREMENT_ACTIONS:
        return _requirement_text(entry.before), _requirement_text(entry.after)
    if entry.action == Action.BUSINESS_CASE_SAVED:
        return _case_text(entry.before), _case_text(entry.after)
    if entry.action == Action.UPGRADED and entry.before and entry.after:
        return f"v{entry.before.get('version')}", f"v{entry.after.get('version')}"
    if entry.action == Action.SIGNED_OFF and entry.after:
        role = entry.after.get("role", "")
        return "", str(Role(role).label) if role in Role.values else role
    return "", ""


def history_filter_choices(project: Project) -> dict:
    """What the filter form offers: the project's stages, the people in its journal, kinds."""
    people_ids = set(project.history.exclude(by=None).values_list("by_id", flat=True).distinct())
    people = get_user_model().objects.filter(pk__in=people_ids).order_by("first_name", "username")
    return {
        "stages": project.stages,
        "people": list(people),
        "kinds": Kind.choices,
    }


@dataclass(frozen=True)
class ChainStatus:
    head: ChainHead
    intact: bool
    broken_at: int | None


def chain_status(project: Project) -> ChainStatus:
    problem = verify_chain(project.pk)
    return ChainStatus(
        head=chain_head(project),
        intact=problem is None,
        broken_at=problem.seq if problem else None,
    )
