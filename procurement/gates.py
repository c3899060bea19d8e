"""The gate: what stands between a project and its next step, and who must act.

`blocking_reasons` is the one function that decides whether a transition may happen. The transition
service asks it (once, after the row lock); `available_actions`, built on it, says for each action
what one person may do now and why not, and is read by the project page, the dashboard, the views,
the API and "what now" (`next_step`), so the page never promises what the server refuses.

It is pure: it reads the project's fields and a `StageStatus` (loaded by `load_stage_status` with a
fixed number of queries) and returns reasons; it writes nothing and queries nothing.
"""

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from django.db.models import F, Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext_noop, ngettext
from django.utils.translation import gettext as _

from accounts.organisations import organisation_paths, project_roles_from_organisations
from checklists.extensions import TOOLS, evaluate_rules
from checklists.models import ChecklistItem, Stage
from checklists.roles import AnswerType, Role

from .models import (
    RETIRED_STATE,
    STOPPED_STATE,
    TRANSITIONS,
    Action,
    Answer,
    HistoryEntry,
    Membership,
    Project,
    SignOff,
)

# Reason codes, kept as constants so tests and templates can rely on them.
REQUIRED_UNANSWERED = "required_unanswered"
SIGNOFF_MISSING = "signoff_missing"
ROLE_NOT_STAFFED = "role_not_staffed"
NOT_ACTIVE = "not_active"
NO_NEXT_STAGE = "no_next_stage"
NOT_REQUESTED = "not_requested"
ALREADY_REQUESTED = "already_requested"
FIRST_STAGE = "first_stage"
BAD_TARGET = "bad_target"
NOT_STOPPED = "not_stopped"
NOT_LAST_STAGE = "not_last_stage"
ROLE_REQUIRED = "role_required"
FOUR_EYES = "four_eyes"
NOT_AUTHENTICATED = "not_authenticated"
NO_CONTINUATION = "no_continuation"

# Longer messages, marked for translation here and translated when a reason is made.
LAST_STAGE_MESSAGE = gettext_noop(
    "This is the last stage: there is nothing to approve; the project can be retired."
)
FOUR_EYES_MESSAGE = gettext_noop(
    "You asked for this approval yourself: another innovation consultant must approve it "
    "(four-eyes principle)."
)

OWNER_NOT_DECIDER = gettext_noop(
    "The project owner cannot approve, return, stop, reopen, retire or continue their own "
    "project: an innovation consultant on the project must."
)


@dataclass(frozen=True)
class Reason:
    code: str
    message: str
    role: str = ""
    items: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    # The checklist item keys behind `items`, in the same order, when the items are checklist
    # items (the page links them and lists each once); empty for a tool's own gaps.
    item_keys: tuple[str, ...] = ()
    # A tool's reason that comes before the checklist in "what now" for whoever holds `role`
    # (an undecided monitoring incident).
    urgent: bool = False


@dataclass
class ItemStatus:
    item: ChecklistItem
    answer: Answer | None
    applicable: bool
    answered: bool
    signoff: SignOff | None  # the sign-off of the current answer revision, if any
    needs_signoff: bool
    required: bool  # required by the item itself or, through required_when, by other answers

    @property
    def signed_off(self) -> bool:
        return self.signoff is not None

    @property
    def missing(self) -> bool:
        return self.applicable and self.required and not self.answered

    @property
    def signoff_missing(self) -> bool:
        return self.needs_signoff and not self.signed_off


@dataclass
class StageStatus:
    stage: Stage | None
    items: list[ItemStatus] = field(default_factory=list)
    # user id -> set of roles held on the project
    roles_by_user: dict[int, set[str]] = field(default_factory=dict)
    # role -> display names of members holding it
    people_by_role: dict[str, list[str]] = field(default_factory=dict)
    # reasons given by the stage's tools (e.g. an incomplete business case); only loaded for a
    # single project (load_stage_status), not for the dashboard's overview
    tool_reasons: list["Reason"] = field(default_factory=list)
    # The latest return or stop of the project (who, when, why), until a later approval or
    # continuation: what the team must hear first. None when there is nothing to say.
    latest_return: HistoryEntry | None = None
    # The project's dates still to meet, from the registered deadline sources; only loaded when
    # asked for (`with_deadlines`), by the screens that show the "what now" sentence.
    deadlines: list["Deadline"] = field(default_factory=list)
    deadlines_loaded: bool = False
    # What a stage tool read to give its reasons (tool name -> its own object), so that the same
    # page's panel of that tool shows what the gate was judged on without reading it again.
    tool_data: dict[str, object] = field(default_factory=dict)
    # False for a summary made without the items (the dashboard's rows off the page, counted
    # from the stored progress): whoever needs an item's status must load it.
    items_loaded: bool = True
    # `checklist_reasons` of this status, kept with what it was computed from: the dashboard
    # and the project page ask for it several times per status (each action, "what now").
    _reasons_memo: tuple | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def applicable_items(self) -> list[ItemStatus]:
        return [status for status in self.items if status.applicable]

    @property
    def answered_count(self) -> int:
        return sum(1 for status in self.applicable_items if status.answered)

    def roles_of(self, user) -> set[str]:
        if user is None or not getattr(user, "is_authenticated", False):
            return set()
        return self.roles_by_user.get(user.pk, set())


def is_answered(item: ChecklistItem, answer: Answer | None) -> bool:
    if answer is None:
        return False
    if item.answer_type == AnswerType.EVIDENCE:
        return answer.evidence_id is not None
    if item.answer_type == AnswerType.YES_NO_NA and answer.value == "na":
        return bool(answer.justification.strip())
    return bool(answer.value.strip())


def condition_holds(condition: dict, values_by_key: dict[str, str], rules: dict[str, bool]) -> bool:
    if "rule" in condition:
        return rules.get(condition["rule"], False)
    return values_by_key.get(condition["item"]) in condition["values"]


def is_applicable(item: ChecklistItem, values_by_key: dict[str, str], rules=None) -> bool:
    if not item.condition:
        return True
    return condition_holds(item.condition, values_by_key, rules or {})


def evaluate_items(
    items: list[ChecklistItem],
    answers_by_item_id: dict[int, Answer],
    values_by_key: dict[str, str],
    signoffs: list[SignOff],
) -> list[ItemStatus]:
    """Pure: the status of each item from the answers and sign-offs given."""
    rules = evaluate_rules(values_by_key)
    valid_signoff = {}
    for signoff in signoffs:
        answer = answers_by_item_id.get(signoff.item_id)
        if answer is not None and answer.revision == signoff.answer_revision:
            valid_signoff[signoff.item_id] = signoff
    result = []
    for item in items:
        answer = answers_by_item_id.get(item.pk)
        applicable = is_applicable(item, values_by_key, rules)
        answered = is_answered(item, answer)
        required = item.required or (
            bool(item.required_when) and condition_holds(item.required_when, values_by_key, rules)
        )
        needs_signoff = bool(item.signoff_role) and applicable and (required or answered)
        result.append(
            ItemStatus(
                item=item,
                answer=answer,
                applicable=applicable,
                answered=answered,
                signoff=valid_signoff.get(item.pk),
                needs_signoff=needs_signoff,
                required=required,
            )
        )
    return result


class Deadline(Protocol):
    """A date set for work on a project, as a deadline source reports it: an item's due date
    (`item` set, `assignee` the person named or None) or a stage's target date (`item` None)."""

    due: date
    stage: Stage
    item: ChecklistItem | None
    assignee: object

    @property
    def overdue(self) -> bool: ...


# The apps that plan dates register a source from their AppConfig.ready() (as journal listeners
# do with `journal.register_listener`), so the gate imports none of them:
# `source(projects, statuses) -> {project id: [Deadline, ...]}`, for the open (not yet met)
# dates of active projects, in a fixed number of queries however many projects there are.
DeadlineSource = Callable[[list[Project], dict[int, StageStatus]], dict[int, list[Deadline]]]
DEADLINE_SOURCES: list[DeadlineSource] = []


def register_deadline_source(source: DeadlineSource) -> DeadlineSource:
    if source not in DEADLINE_SOURCES:
        DEADLINE_SOURCES.append(source)
    return source


def load_deadlines(projects: list[Project], statuses: dict[int, StageStatus]) -> None:
    """Fill each status's `deadlines` from every registered source (statuses of the current
    stage: a source judges from them which of its items are done)."""
    for status in statuses.values():
        status.deadlines = []
        status.deadlines_loaded = True
    for source in DEADLINE_SOURCES:
        for project_id, found in source(projects, statuses).items():
            if project_id in statuses:
                statuses[project_id].deadlines.extend(found)
    for status in statuses.values():
        status.deadlines.sort(key=lambda deadline: deadline.due)


# What the gate reads of an item, an answer and a sign-off, and so all an overview loads: the
# help texts, change notes, sources and choices of an item, an answer's dates and the sign-off's
# date are for the pages that show them.
OVERVIEW_DEFERRED_ITEM_FIELDS = (
    "help_da",
    "help_en",
    "change_note_da",
    "change_note_en",
    "choices",
    "sources",
)
OVERVIEW_ANSWER_FIELDS = (
    "project_id",
    "item_id",
    "value",
    "justification",
    "evidence_id",
    "revision",
)
OVERVIEW_SIGNOFF_FIELDS = ("project_id", "item_id", "answer_revision", "role", "user_id")


def load_stage_statuses(
    projects: list[Project],
    stage_for: dict[int, Stage] | None = None,
    *,
    with_deadlines: bool = False,
    overview: bool = False,
    checklist_only: bool = False,
) -> dict[int, StageStatus]:
    """The status of each project's current stage (or of the stage given in `stage_for`) in a
    fixed number of queries (five), however many projects, items and answers there are; with
    `with_deadlines`, also the projects' open deadlines (the sources' queries on top).

    With `overview` (the dashboard), the answers come without their evidence and author and the
    sign-offs without their signer: what the gate judges, not what a page shows of an answer.
    With `checklist_only` (the stored progress), only the items' status: no team and no return
    notice (four queries)."""
    project_ids = [project.pk for project in projects]
    roles_by_user: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    people_by_role: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    memberships = (
        Membership.objects.filter(project_id__in=project_ids)
        .select_related("user")
        # What a member's name (`str(user)`) is made of.
        .only(
            "project_id", "user_id", "role", "user__first_name", "user__last_name", "user__username"
        )
    )
    for membership in memberships if not checklist_only else ():
        roles_by_user[membership.project_id][membership.user_id].add(membership.role)
        people_by_role[membership.project_id][membership.role].append(str(membership.user))
    # Roles held for the project's organisation or a node above it count as on the team.
    from_organisations = (
        project_roles_from_organisations(organisation_paths(projects)) if not checklist_only else {}
    )
    for project in projects:
        for user, roles in from_organisations.get(project.organisation_id, {}).items():
            for role in sorted(roles - roles_by_user[project.pk][user.pk]):
                people_by_role[project.pk][role].append(str(user))
            roles_by_user[project.pk][user.pk] |= roles

    stages = {p.pk: (stage_for or {}).get(p.pk) or p.current_stage for p in projects}
    stage_ids = {pk: stage.pk for pk, stage in stages.items() if stage is not None}
    items_by_stage: dict[int, list[ChecklistItem]] = defaultdict(list)
    items = ChecklistItem.objects.filter(stage_id__in=set(stage_ids.values()))
    if overview:
        items = items.defer(*OVERVIEW_DEFERRED_ITEM_FIELDS)
    for item in items:
        items_by_stage[item.stage_id].append(item)
    # Every answer's value (conditions and rules may look at any earlier stage), as plain values;
    # whole Answer objects only for the items on show.
    pathway_of = {project.pk: project.pathway_id for project in projects}
    values_by_project: dict[int, dict[str, str]] = defaultdict(dict)
    for project_id, key, pathway_id, value in Answer.objects.filter(
        project_id__in=project_ids
    ).values_list("project_id", "item__key", "item__stage__pathway_id", "value"):
        if pathway_id == pathway_of[project_id]:  # else archived, from an earlier version
            values_by_project[project_id][key] = value
    answers_by_project: dict[int, dict[int, Answer]] = defaultdict(dict)
    answers = Answer.objects.filter(
        project_id__in=project_ids, item__stage_id__in=set(stage_ids.values())
    )
    if overview:
        answers = answers.only(*OVERVIEW_ANSWER_FIELDS)
    else:
        answers = answers.select_related("evidence", "answered_by")
    for answer in answers:
        answers_by_project[answer.project_id][answer.item_id] = answer
    signoffs_by_project: dict[int, list[SignOff]] = defaultdict(list)
    signoffs = SignOff.objects.filter(
        project_id__in=project_ids, item__stage_id__in=set(stage_ids.values())
    ).annotate(stage_id=F("item__stage_id"))
    if overview:
        signoffs = signoffs.only(*OVERVIEW_SIGNOFF_FIELDS)
    else:
        signoffs = signoffs.select_related("user", "item")
    for signoff in signoffs:
        signoffs_by_project[signoff.project_id].append(signoff)

    notices = load_return_notices(project_ids) if not checklist_only else {}

    result = {}
    for project in projects:
        stage_id = stage_ids.get(project.pk)
        result[project.pk] = StageStatus(
            stage=stages[project.pk],
            items=evaluate_items(
                items_by_stage.get(stage_id, []),
                answers_by_project[project.pk],
                values_by_project[project.pk],
                [s for s in signoffs_by_project[project.pk] if s.stage_id == stage_id],
            )
            if stage_id
            else [],
            roles_by_user={k: set(v) for k, v in roles_by_user[project.pk].items()},
            people_by_role={k: list(v) for k, v in people_by_role[project.pk].items()},
            latest_return=notices.get(project.pk),
        )
    if with_deadlines:
        if stage_for:
            raise ValueError("deadlines are judged against the current stage")
        load_deadlines(projects, result)
    return result


# A return or stop stays the team's news until one of these moves the project on again.
NOTICE_ACTIONS = (Action.RETURNED, Action.STOPPED)
NOTICE_CLEARED_BY = (Action.APPROVED, Action.CONTINUED, Action.RETIRED)


def load_return_notices(project_ids: list[int]) -> dict[int, HistoryEntry]:
    """For each project, its latest return or stop when no approval came after it; one query
    however many projects there are."""
    latest = (
        HistoryEntry.objects.filter(
            project_id__in=project_ids, action__in=NOTICE_ACTIONS + NOTICE_CLEARED_BY
        )
        .values("project_id")
        .annotate(last=Max("pk"))
        .values("last")
    )
    return {
        entry.project_id: entry
        for entry in HistoryEntry.objects.filter(pk__in=latest).select_related("by")
        if entry.action in NOTICE_ACTIONS
    }


def load_stage_status(
    project: Project, stage: Stage | None = None, *, with_deadlines: bool = False
) -> StageStatus:
    """The status of one stage of a project: the current one (or the one it was stopped in)
    unless another is given; `with_deadlines` as for `load_stage_statuses`."""
    stage_for = {project.pk: stage} if stage is not None else None
    status = load_stage_statuses([project], stage_for, with_deadlines=with_deadlines)[project.pk]
    if status.stage is not None:
        for name in status.stage.tools:
            tool = TOOLS.get(name)
            if tool is not None:
                status.tool_reasons += tool.gate_reasons(
                    project=project, stage=status.stage, status=status
                )
    return status


def _quoted(statuses: list[ItemStatus]) -> tuple[str, ...]:
    return tuple(status.item.text for status in statuses)


def _keys(statuses: list[ItemStatus]) -> tuple[str, ...]:
    return tuple(status.item.key for status in statuses)


def checklist_reasons(status: StageStatus) -> list[Reason]:
    """What the stage's checklist still lacks, grouped by the role that must act.

    Judged once per status and language (a status is read within one request; a stage tool
    adding its reasons afterwards, or another language, judges again)."""
    key = (len(status.items), len(status.tool_reasons), get_language())
    if status._reasons_memo is None or status._reasons_memo[0] != key:
        status._reasons_memo = (key, _checklist_reasons(status))
    return list(status._reasons_memo[1])


# The roles in their fixed order (a property of the enum that builds a new list each time).
ROLE_ORDER = tuple(Role.values)


def _checklist_reasons(status: StageStatus) -> list[Reason]:
    reasons: list[Reason] = []
    unanswered: dict[str, list[ItemStatus]] = defaultdict(list)
    unsigned: dict[str, list[ItemStatus]] = defaultdict(list)
    for item_status in status.items:
        if item_status.missing:
            unanswered[item_status.item.role].append(item_status)
        elif item_status.answered and item_status.signoff_missing:
            unsigned[item_status.item.signoff_role].append(item_status)
    for role in ROLE_ORDER:
        if role in unanswered:
            count = len(unanswered[role])
            reasons.append(
                Reason(
                    code=REQUIRED_UNANSWERED,
                    message=ngettext(
                        "%(count)d required item unanswered (%(role)s)",
                        "%(count)d required items unanswered (%(role)s)",
                        count,
                    )
                    % {"count": count, "role": Role(role).label},
                    role=role,
                    items=_quoted(unanswered[role]),
                    item_keys=_keys(unanswered[role]),
                    people=tuple(status.people_by_role.get(role, ())),
                )
            )
    for role in ROLE_ORDER:
        if role in unsigned:
            reasons.append(
                Reason(
                    code=SIGNOFF_MISSING,
                    message=_("Sign-off missing: %(role)s") % {"role": Role(role).label},
                    role=role,
                    items=_quoted(unsigned[role]),
                    item_keys=_keys(unsigned[role]),
                    people=tuple(status.people_by_role.get(role, ())),
                )
            )
    reasons += status.tool_reasons
    needed_roles = {r.role for r in reasons if r.role} | {
        s.item.signoff_role for s in status.items if s.signoff_missing
    }
    for role in ROLE_ORDER:
        if role in needed_roles and not status.people_by_role.get(role):
            reasons.append(
                Reason(
                    code=ROLE_NOT_STAFFED,
                    message=_("Nobody on the team has the role %(role)s: the owner must add one.")
                    % {"role": Role(role).label},
                    role=role,
                )
            )
    return reasons


def blocking_reasons(
    *,
    project: Project,
    action: str,
    status: StageStatus,
    user=None,
    target: str | None = None,
) -> list[Reason]:
    """Every reason `action` may not happen now; an empty list means it may.

    Without a user, only the project's own state and checklist are judged (the API's
    `approve_blocked_by`); with one, whether this person may do it is judged too.
    """
    reasons: list[Reason] = []
    consultant_only = False
    active_only = (
        Action.APPROVAL_REQUESTED,
        Action.APPROVED,
        Action.RETURNED,
        Action.STOPPED,
        Action.CONTINUED,
    )
    if action in active_only:
        if not project.is_active:
            return [Reason(NOT_ACTIVE, _("The project is not in an active stage."))]
    if action == Action.APPROVAL_REQUESTED:
        if project.approval_requested_by_id:
            reasons.append(Reason(ALREADY_REQUESTED, _("Approval has already been requested.")))
        if project.next_stage() is None:
            reasons.append(
                Reason(
                    NO_NEXT_STAGE,
                    _(LAST_STAGE_MESSAGE),
                )
            )
        reasons += checklist_reasons(status)
    elif action == Action.APPROVED:
        consultant_only = True
        if project.next_stage() is None:
            reasons.append(
                Reason(
                    NO_NEXT_STAGE,
                    _(LAST_STAGE_MESSAGE),
                )
            )
        if not project.approval_requested_by_id:
            reasons.append(
                Reason(NOT_REQUESTED, _("Nobody has asked for approval of this stage yet."))
            )
        reasons += checklist_reasons(status)
    elif action == Action.RETURNED:
        consultant_only = True
        earlier = [stage.key for stage in project.earlier_stages()]
        if not earlier:
            reasons.append(Reason(FIRST_STAGE, _("The project is in its first stage.")))
        elif target is not None and target not in earlier:
            reasons.append(Reason(BAD_TARGET, _("Choose one of the earlier stages.")))
    elif action == Action.STOPPED:
        consultant_only = True
    elif action == Action.REOPENED:
        consultant_only = True
        if project.state != STOPPED_STATE:
            reasons.append(Reason(NOT_STOPPED, _("Only a stopped project can be reopened.")))
    elif action == Action.RETIRED:
        consultant_only = True
        if not project.is_in_last_stage:
            reasons.append(
                Reason(NOT_LAST_STAGE, _("A project can only be retired from its last stage."))
            )
    elif action == Action.CONTINUED:
        consultant_only = True
        if not project.pathway.continues_into:
            reasons.append(
                Reason(NO_CONTINUATION, _("This pathway does not continue into another one."))
            )
        elif not project.is_in_last_stage:
            reasons.append(
                Reason(NOT_LAST_STAGE, _("The project can continue once it is in its last stage."))
            )
        else:
            reasons += checklist_reasons(status)
    else:
        raise ValueError(f"unknown action {action!r}")

    if user is not None:
        reasons += _user_reasons(project, action, status, user, consultant_only)
    return reasons


def _user_reasons(project, action, status, user, consultant_only) -> list[Reason]:
    if not getattr(user, "is_authenticated", False):
        return [Reason(NOT_AUTHENTICATED, _("You must log in."))]
    roles = status.roles_of(user)
    consultant = Role.INNOVATION_CONSULTANT.value
    if consultant_only and user.pk == project.owner_id:
        # The owner asks for approval, so never decides it, nor stops or reopens the project:
        # also when they hold the consultant role from before the team rule existed.
        return [Reason(ROLE_REQUIRED, _(OWNER_NOT_DECIDER), role=consultant)]
    if consultant_only and consultant not in roles:
        return [
            Reason(
                ROLE_REQUIRED,
                _("Only an innovation consultant on the project can do this."),
                role=consultant,
            )
        ]
    if (
        action == Action.APPROVAL_REQUESTED
        and user.pk != project.owner_id
        and consultant not in roles
    ):
        return [
            Reason(
                ROLE_REQUIRED,
                _("Only the project owner or an innovation consultant can ask for approval."),
            )
        ]
    if action == Action.APPROVED and project.approval_requested_by_id == user.pk:
        return [
            Reason(
                FOUR_EYES,
                _(FOUR_EYES_MESSAGE),
                role=consultant,
            )
        ]
    return []


# --- available actions: what one person may do on a project now, and why not -------------------

# The actions a person takes on a project: asking for approval, then the state machine's.
PROJECT_ACTIONS = (Action.APPROVAL_REQUESTED, *TRANSITIONS)

# Reasons that say this person may not do the action at all, whatever the checklist says: a view
# answers them with 403 (a gap in the checklist is a 409 or a message on the page).
PERSON_REFUSALS = (ROLE_REQUIRED, FOUR_EYES)


def refuses_person(reasons: list[Reason]) -> bool:
    """Whether `reasons` (from the gate) refuse the person rather than the project's state."""
    return any(reason.code in PERSON_REFUSALS for reason in reasons)


@dataclass(frozen=True)
class AvailableAction:
    """One action for one person: whether it is offered (the page shows its button, enabled or
    not) and the reasons it is blocked now (none: the person may do it)."""

    action: str
    offered: bool
    reasons: list[Reason]

    @property
    def allowed(self) -> bool:
        return not self.reasons

    @property
    def refused(self) -> bool:
        """The person may not do it at all (their role, their own request), not merely not yet."""
        return refuses_person(self.reasons)


class AvailableActions(Mapping):
    """`available_actions`' answer: action -> AvailableAction, each judged when first read (the
    dashboard reads one action of many projects, the project page all of one)."""

    def __init__(self, project: Project, user, status: StageStatus):
        self.project, self.user, self.status = project, user, status
        self._judged: dict[str, AvailableAction] = {}

    def __getitem__(self, action: str) -> AvailableAction:
        if action not in PROJECT_ACTIONS:
            raise KeyError(action)
        if action not in self._judged:
            self._judged[action] = AvailableAction(
                action=action,
                offered=_offered(self.project, self.user, self.status, action),
                reasons=blocking_reasons(
                    project=self.project, action=action, status=self.status, user=self.user
                ),
            )
        return self._judged[action]

    def __iter__(self):
        return iter(PROJECT_ACTIONS)

    def __len__(self) -> int:
        return len(PROJECT_ACTIONS)


def available_actions(project: Project, user, status: StageStatus) -> AvailableActions:
    """For each action on the project (ask for approval, approve, return, stop, reopen, retire,
    continue into the next pathway): whether `user` is offered it now and, if they may not do
    it, the gate's reasons. Pure like `blocking_reasons`, whose reasons these are: the project
    page, the dashboard, the views, the API and "what now" all read it."""
    return AvailableActions(project, user, status)


def _offered(project: Project, user, status: StageStatus, action: str) -> bool:
    """Whether the action is one this person could take at this point of the journey: the
    owner and the consultants ask for approval (until someone has); the consultants decide."""
    consultant = Role.INNOVATION_CONSULTANT in status.roles_of(user)
    if action == Action.APPROVAL_REQUESTED:
        is_owner = user is not None and user.pk == project.owner_id
        return (
            project.is_active and (is_owner or consultant) and not project.approval_requested_by_id
        )
    if not consultant:
        return False
    if action in (Action.APPROVED, Action.STOPPED):
        return project.is_active
    if action == Action.RETURNED:
        return project.is_active and bool(project.earlier_stages())
    if action == Action.REOPENED:
        return project.state == STOPPED_STATE
    if action == Action.RETIRED:
        return project.is_in_last_stage
    if action == Action.CONTINUED:
        return bool(project.pathway.continues_into) and project.is_in_last_stage
    raise ValueError(f"unknown action {action!r}")


# --- what now: the next step for one person ------------------------------------------------------

NEXT_RETIRED = "retired"
NEXT_URGENT = "urgent"
NEXT_STOPPED = "stopped"
NEXT_APPROVE = "approve"
NEXT_WAIT_FOR_APPROVAL = "wait_for_approval"
NEXT_RETURNED = "returned"
NEXT_SIGN_OFF = "sign_off"
NEXT_ANSWER = "answer"
NEXT_STAFF_ROLE = "staff_role"
NEXT_REQUEST_APPROVAL = "request_approval"
NEXT_WAIT_FOR_REQUEST = "wait_for_request"
NEXT_WAIT_FOR_OTHERS = "wait_for_others"
NEXT_LAST_STAGE = "last_stage"
ITEM_TEXT_CHARS = 80


@dataclass(frozen=True)
class NextStep:
    """What one person should do next on a project, and why, as one sentence."""

    code: str
    message: str
    items: tuple[str, ...] = ()
    # Work of this person's (or, for the owner and the consultants, of the project's) is late.
    overdue: bool = False


def next_step(
    project: Project, user, status: StageStatus, *, actions: AvailableActions | None = None
) -> NextStep:
    """The one sentence the dashboard and the project page show a person about a project,
    followed by what is overdue when the status was loaded with its deadlines.

    Pure like `blocking_reasons`, on which it is built (through `available_actions`; pass the
    caller's `actions` for this person to judge each action once): it reads the project (with
    its owner, the person who asked for approval and the latest return or stop in `status`),
    the stage's checklist and `status.deadlines`, and queries nothing.
    """
    if actions is None:
        actions = available_actions(project, user, status)
    step = _next_step(project, user, status, actions)
    late = _overdue_sentence(project, user, status)
    if not late:
        return step
    return NextStep(step.code, f"{step.message} {late}", step.items, overdue=True)


def _overdue_sentence(project: Project, user, status: StageStatus) -> str:
    """The person's own overdue items; for the owner and the consultants (who plan the dates)
    also the stage target dates passed and the team's other overdue items."""
    if not project.is_active or user is None or not getattr(user, "is_authenticated", False):
        return ""
    late = [deadline for deadline in status.deadlines if deadline.overdue]
    if not late:
        return ""
    planner = project.owner_id == user.pk or Role.INNOVATION_CONSULTANT in status.roles_of(user)
    mine = [d for d in late if d.item is not None and getattr(d.assignee, "pk", None) == user.pk]
    sentences = []
    if mine:
        sentences.append(
            ngettext(
                "Overdue for you: %(items)s (due %(date)s).",
                "Overdue for you: %(count)d items, the first %(items)s (due %(date)s).",
                len(mine),
            )
            % {
                "count": len(mine),
                "items": _quote(mine[0].item.text),
                "date": _day(mine[0].due),
            }
        )
    if planner:
        targets = [d for d in late if d.item is None]
        if targets:
            sentences.append(
                _("The target date for %(stage)s (%(date)s) has passed.")
                % {"stage": targets[0].stage.name, "date": _day(targets[0].due)}
            )
        others = [d for d in late if d.item is not None and d not in mine]
        if others:
            sentences.append(
                ngettext(
                    "1 item of the team is overdue.",
                    "%(count)d items of the team are overdue.",
                    len(others),
                )
                % {"count": len(others)}
            )
    return " ".join(sentences)


def _next_step(project: Project, user, status: StageStatus, actions: AvailableActions) -> NextStep:
    roles = status.roles_of(user)
    consultant = Role.INNOVATION_CONSULTANT.value
    if project.state == RETIRED_STATE:
        return NextStep(NEXT_RETIRED, _("Nothing to do: the project has been retired."))
    notice = status.latest_return
    if not project.is_active:
        if notice is not None and notice.action == Action.STOPPED:
            return NextStep(
                NEXT_STOPPED,
                _("Stopped by %(name)s on %(date)s: %(reason)s")
                % {"name": notice.by, "date": _short_date(notice.at), "reason": notice.comment},
            )
        return NextStep(NEXT_STOPPED, _("The project has been stopped."))

    for reason in status.tool_reasons:
        if reason.urgent and reason.role in roles:
            return NextStep(NEXT_URGENT, reason.message, reason.items)

    if project.approval_requested_by_id:
        requester = project.approval_requested_by
        if actions[Action.APPROVED].allowed:
            return NextStep(
                NEXT_APPROVE,
                _("Approve the stage – %(name)s has asked for it.") % {"name": requester},
            )
        if consultant in roles:
            return NextStep(
                NEXT_WAIT_FOR_APPROVAL,
                _("Nothing to do for you – another innovation consultant must approve the stage "
                  "you asked for."),
            )  # fmt: skip
        return NextStep(
            NEXT_WAIT_FOR_APPROVAL,
            _(
                "Nothing to do for you – waiting for approval from the innovation "
                "consultant%(names)s."
            )
            % {"names": _names(status, consultant)},
        )

    is_owner = project.owner_id == getattr(user, "pk", None)
    # The owner may answer anything, but is told of the items of the roles they hold; for a role
    # nobody holds, they are told to add someone.
    mine = [s for s in status.items if s.missing and s.item.role in roles]
    to_sign = [
        s for s in status.items if s.answered and s.signoff_missing and s.item.signoff_role in roles
    ]
    reasons = checklist_reasons(status)
    can_request = actions[Action.APPROVAL_REQUESTED].allowed
    if notice is not None and notice.action == Action.RETURNED and (mine or can_request):
        what = (
            ngettext("fix item %(items)s", "fix %(count)d items: %(items)s", len(mine))
            % {"count": len(mine), "items": _first(mine)}
            if mine
            else _("ask for approval again when it is fixed")
        )
        return NextStep(
            NEXT_RETURNED,
            _("Returned by %(name)s on %(date)s: %(what)s (%(reason)s)")
            % {
                "name": notice.by,
                "date": _short_date(notice.at),
                "what": what,
                "reason": notice.comment,
            },
            _quoted(mine),
        )
    if to_sign:
        return NextStep(
            NEXT_SIGN_OFF,
            ngettext(
                "Give your sign-off on 1 item: %(items)s",
                "Give your sign-off on %(count)d items: %(items)s",
                len(to_sign),
            )
            % {"count": len(to_sign), "items": _first(to_sign)},
            _quoted(to_sign),
        )
    if mine:
        return NextStep(
            NEXT_ANSWER,
            ngettext(
                "Answer 1 required item: %(items)s",
                "Answer %(count)d required items: %(items)s",
                len(mine),
            )
            % {"count": len(mine), "items": _first(mine)},
            _quoted(mine),
        )
    unstaffed = [r for r in reasons if r.code == ROLE_NOT_STAFFED]
    if unstaffed and is_owner:
        return NextStep(
            NEXT_STAFF_ROLE,
            _("Add a %(role)s to the team – the stage needs one.")
            % {"role": Role(unstaffed[0].role).label},
        )
    if can_request:
        return NextStep(
            NEXT_REQUEST_APPROVAL,
            _("Ask for approval now – every required item is answered."),
        )
    if not reasons and project.next_stage() is not None:
        return NextStep(
            NEXT_WAIT_FOR_REQUEST,
            _("Nothing to do for you – waiting for %(name)s to ask for approval.")
            % {"name": project.owner},
        )
    for reason in reasons:
        if reason.code == SIGNOFF_MISSING:
            count = len(reason.items)
            return NextStep(
                NEXT_WAIT_FOR_OTHERS,
                ngettext(
                    "Waiting for the sign-off of %(role)s%(names)s on 1 item.",
                    "Waiting for the sign-off of %(role)s%(names)s on %(count)d items.",
                    count,
                )
                % {"role": Role(reason.role).label, "names": _names(status, reason.role),
                   "count": count},
                reason.items,
            )  # fmt: skip
        if reason.code == REQUIRED_UNANSWERED:
            return NextStep(
                NEXT_WAIT_FOR_OTHERS,
                _("Nothing to do for you – waiting for the %(role)s%(names)s.")
                % {"role": Role(reason.role).label, "names": _names(status, reason.role)},
                reason.items,
            )
        if reason.role:
            return NextStep(
                NEXT_WAIT_FOR_OTHERS,
                _("Nothing to do for you – waiting for the %(role)s%(names)s.")
                % {"role": Role(reason.role).label, "names": _names(status, reason.role)},
            )
        return NextStep(NEXT_WAIT_FOR_OTHERS, reason.message)
    return NextStep(
        NEXT_LAST_STAGE,
        _("Nothing to do for you right now – the project is in its last stage."),
    )


def _short_date(moment) -> str:
    return date_format(timezone.localtime(moment), "j/n")


def _names(status: StageStatus, role: str) -> str:
    people = status.people_by_role.get(role, [])
    return f" {', '.join(people)}" if people else ""


def _day(day: date) -> str:
    return date_format(day, "j/n")


def _quote(text: str) -> str:
    return f"“{Truncator(text).chars(ITEM_TEXT_CHARS)}”"


def _first(statuses: list[ItemStatus]) -> str:
    """The first item's text, quoted and shortened: one sentence must stay one line's worth."""
    return _quote(statuses[0].item.text) + (" …" if len(statuses) > 1 else "")
