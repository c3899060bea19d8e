"""Who is told what: the one place that turns a journal entry into notifications.

`on_journal_entry` is registered with `procurement.journal.register_listener` and runs inside the
change's transaction, right after the entry is written. It decides the recipients and writes
their notifications (and mail deliveries) in that same transaction, so a change that rolls back
tells nobody. Mail goes out only after the commit (`transaction.on_commit`), by a background task.

Rules that hold for every kind: only active members of the project are told (an outsider or a
deactivated account never is), never the person who made the change, and each person once per
event (`Notification.event_key` is unique per recipient).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse

from checklists.models import ChecklistItem, Stage
from checklists.roles import Role
from procurement.models import Action, HistoryEntry, Project
from procurement.permissions import team_people

from .models import DEFAULT_CHANNEL, Channel, Delivery, Kind, Notification, Preference
from .tasks import enqueue_deliveries

# The journal action a monitoring check writes when a rule fires (the monitoring app records
# it; this module only routes it). Its `after` may name the people the plan sends alarms to
# ("recipients": [user ids]) and where the incident is ("link": "/projects/…").
MONITORING_ALARM = Action.MONITORING_ALARM.value  # "monitoring_alarm"
ALARM_DEFAULT_ROLES = (Role.AI_COMPETENCE, Role.INNOVATION_CONSULTANT)


@dataclass
class Message:
    kind: str
    recipients: set[int]
    link: str
    data: dict = field(default_factory=dict)


@dataclass
class Team:
    project: Project
    roles_by_user: dict[int, set[str]]
    users: dict[int, object]

    def holders(self, *roles: str) -> set[int]:
        return {pk for pk, held in self.roles_by_user.items() if held & set(roles)}


def load_team(project: Project) -> Team:
    people = team_people(project)
    roles_by_user = {user.pk: roles for user, roles in people.items()}
    return Team(project, roles_by_user, {user.pk: user for user in people})


def _both(obj, name: str) -> dict:
    return {"da": getattr(obj, f"{name}_da"), "en": getattr(obj, f"{name}_en")}


def _stage_data(project: Project, key: str) -> dict:
    stage = project.stage(key)
    if stage is None or stage.pathway_id != project.pathway_id:  # read before a pathway change
        stage = Stage.objects.filter(pathway_id=project.pathway_id, key=key).first()
    return _both(stage, "name") if stage else {"da": key, "en": key}


def project_link(project: Project, stage_key: str = "", anchor: str = "") -> str:
    if stage_key:
        url = reverse("project_stage", args=[project.pk, stage_key])
    else:
        url = reverse("project_detail", args=[project.pk])
    return url + (f"#{anchor}" if anchor else "")


def messages_for(entry: HistoryEntry) -> tuple[Team | None, list[Message]]:
    """The notifications one journal entry calls for (recipients before the common filters)."""
    action = entry.action
    if action not in ROUTES:
        return None, []
    # The journal hands over the entry with the project the change locked and wrote.
    team = load_team(entry.project)
    project = team.project
    base = {
        "project": project.title,
        "actor": str(entry.by) if entry.by_id else "",
        "stage": _stage_data(project, entry.stage_key) if entry.stage_key else {},
    }
    return team, ROUTES[action](entry, team, base)


def _approval_requested(entry, team, base):
    return [
        Message(
            Kind.APPROVAL_REQUESTED,
            team.holders(Role.INNOVATION_CONSULTANT),
            project_link(team.project, entry.stage_key, "gate-panel"),
            {**base, "reason": entry.comment},
        )
    ]


def _returned(entry, team, base):
    data = {**base, "reason": entry.comment, "target": _stage_data(team.project, entry.to_state)}
    return [
        Message(
            Kind.STAGE_RETURNED,
            {team.project.owner_id},
            project_link(team.project, entry.to_state),
            data,
        )
    ]


def _stopped(entry, team, base):
    return [
        Message(
            Kind.PROJECT_STOPPED,
            {team.project.owner_id},
            project_link(team.project),
            {**base, "reason": entry.comment},
        )
    ]


def _approved(entry, team, base):
    data = {**base, "target": _stage_data(team.project, entry.to_state)}
    return [
        Message(
            Kind.STAGE_APPROVED,
            set(team.roles_by_user),
            project_link(team.project, entry.to_state),
            data,
        )
    ]


def _answered(entry, team, base):
    after = entry.after or {}
    if not (str(after.get("value", "")).strip() or after.get("evidence")):
        return []  # an answer cleared: nothing to sign
    item = (
        ChecklistItem.objects.filter(stage__pathway_id=team.project.pathway_id, key=entry.subject)
        .exclude(signoff_role="")
        .first()
    )
    if item is None or item.signoff_role in team.roles_by_user.get(entry.by_id, set()):
        return []  # no sign-off on this item, or the writer's answer is their sign-off
    return [
        Message(
            Kind.SIGNOFF_NEEDED,
            team.holders(item.signoff_role),
            project_link(team.project, entry.stage_key, f"item-{item.pk}"),
            {**base, "item": _both(item, "text"), "item_key": item.key, "role": item.signoff_role},
        )
    ]


def _member_added(entry, team, base):
    username, _sep, role = entry.subject.partition("/")
    added = [pk for pk, user in team.users.items() if user.get_username() == username]
    return [
        Message(
            Kind.MEMBER_ADDED,
            set(added),
            project_link(team.project),
            {**base, "role": role},
        )
    ]


def _monitoring_alarm(entry, team, base):
    after = entry.after or {}
    recipients = set(after.get("recipients") or ()) or team.holders(*ALARM_DEFAULT_ROLES) | {
        team.project.owner_id
    }
    link = after.get("link", "")
    if not (isinstance(link, str) and link.startswith("/") and not link.startswith("//")):
        link = project_link(team.project, entry.stage_key)
    data = {**base, **{k: after.get(k, "") for k in ("metric", "period", "rule", "value")}}
    return [Message(Kind.MONITORING_ALARM, recipients, link, data)]


def _deadline_set(entry, team, base):
    """An item given to someone, or their item given a new due date: the assignee is told
    (stage target dates concern the owner and the consultants, who set them)."""
    before, after = entry.before or {}, entry.after or {}
    username = after.get("assignee")
    if entry.subject.startswith("stage:") or not username:
        return []
    new_assignee = username != before.get("assignee")
    if not new_assignee and after.get("due_date") == before.get("due_date"):
        return []
    item = ChecklistItem.objects.filter(
        stage__pathway_id=team.project.pathway_id, key=entry.subject
    ).first()
    if item is None:
        return []
    assignee = [pk for pk, user in team.users.items() if user.get_username() == username]
    return [
        Message(
            Kind.ITEM_ASSIGNED,
            set(assignee),
            project_link(team.project, entry.stage_key, f"item-{item.pk}"),
            {
                **base,
                "item": _both(item, "text"),
                "item_key": item.key,
                "due": after.get("due_date") or "",
                "change": "assigned" if new_assignee else "due_date",
            },
        )
    ]


ROUTES = {
    Action.APPROVAL_REQUESTED: _approval_requested,
    Action.RETURNED: _returned,
    Action.STOPPED: _stopped,
    Action.APPROVED: _approved,
    Action.ANSWERED: _answered,
    Action.EVIDENCE_UPLOADED: _answered,
    Action.MEMBER_ADDED: _member_added,
    MONITORING_ALARM: _monitoring_alarm,
    Action.DEADLINE_SET: _deadline_set,
}


def on_journal_entry(entry: HistoryEntry) -> None:
    """The journal listener: tell the right people about this entry, in its transaction."""
    if entry.action == Action.SIGNED_OFF:
        _settle_signoff_requests(entry)
        return
    team, messages = messages_for(entry)
    for message in messages:
        recipients = [
            team.users[pk]
            for pk in sorted(message.recipients)
            if pk in team.users and pk != entry.by_id and team.users[pk].is_active
        ]
        if message.kind == Kind.SIGNOFF_NEEDED:
            recipients = _without_open_signoff_request(recipients, entry, message)
        notify(
            recipients,
            kind=message.kind,
            event_key=f"entry:{entry.pk}",
            project_id=entry.project_id,
            link=message.link,
            data=message.data,
        )


def _settle_signoff_requests(entry: HistoryEntry) -> None:
    """Once the item is signed, nobody needs the request any more: it counts as read, so the
    next change of the answer asks again."""
    Notification.objects.filter(
        project_id=entry.project_id,
        kind=Kind.SIGNOFF_NEEDED,
        data__item_key=entry.subject,
        read_at__isnull=True,
    ).update(read_at=entry.at)


def _without_open_signoff_request(recipients, entry, message):
    """A second save of the same answer does not ask the same person again while the first
    request is still unread."""
    waiting = set(
        Notification.objects.filter(
            recipient__in=recipients,
            kind=Kind.SIGNOFF_NEEDED,
            project_id=entry.project_id,
            data__item_key=message.data["item_key"],
            read_at__isnull=True,
        ).values_list("recipient_id", flat=True)
    )
    return [user for user in recipients if user.pk not in waiting]


def channels_for(users: Iterable, kind: str) -> dict[int, str]:
    chosen = dict(
        Preference.objects.filter(user__in=list(users), kind=kind).values_list("user_id", "channel")
    )
    return {user.pk: chosen.get(user.pk, DEFAULT_CHANNEL[kind]) for user in users}


def notify(
    recipients: list,
    *,
    kind: str,
    event_key: str,
    link: str,
    data: dict,
    project_id: int | None = None,
) -> list[Notification]:
    """Write one notification per recipient (and its mail delivery, by their choice) unless it
    exists already, and queue the immediate mails for after the commit. Must run inside the
    transaction of what it tells about."""
    if not recipients:
        return []
    channels = channels_for(recipients, kind)
    created = []
    immediate = []
    for user in recipients:
        notification, is_new = Notification.objects.get_or_create(
            event_key=event_key,
            recipient=user,
            defaults={
                "kind": kind,
                "project_id": project_id,
                "link": link,
                "data": data,
            },
        )
        if not is_new:
            continue
        created.append(notification)
        channel = channels[user.pk]
        if channel == Channel.APP or not user.email:
            continue
        delivery = Delivery.objects.create(notification=notification, channel=channel)
        if channel == Channel.IMMEDIATE:
            immediate.append(delivery.pk)
    if immediate:
        transaction.on_commit(lambda: enqueue_deliveries(immediate))
    return created
