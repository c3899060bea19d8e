"""Projects, their teams, answers, sign-offs, evidence and history.

A project's state is the key of the stage it is in, or one of the terminal states below. It only
changes through the transition methods here, and those are only called by
`procurement.transitions.perform_transition`, which locks the row, asks the gate and writes the
history entry in the same transaction.
"""

from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import GET_STATE, ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Organisation
from checklists.models import ChecklistItem, Pathway, Stage
from checklists.roles import Role

# The terminal states, named apart from the Action members that lead there (Action.STOPPED is
# the "stop" event, STOPPED_STATE the state it leaves the project in).
STOPPED_STATE = "stopped"
RETIRED_STATE = "retired"
TERMINAL_STATE_LABELS = {STOPPED_STATE: _("Stopped"), RETIRED_STATE: _("Retired")}


class Action(models.TextChoices):
    CREATED = "created", _("created")
    APPROVAL_REQUESTED = "approval_requested", _("approval requested")
    APPROVED = "approve", _("approved")
    RETURNED = "return_to", _("returned")
    STOPPED = "stop", _("stopped")
    REOPENED = "reopen", _("reopened")
    RETIRED = "retire", _("retired")
    UPGRADED = "upgraded", _("upgraded to a newer pathway version")
    CONTINUED = "continue_into", _("continued into another pathway")
    DOSSIER_GENERATED = "dossier_generated", _("dossier generated")
    VALIDATION_OVERRIDE = "validation_override", _("validation criteria overridden")
    VALIDATION_OVERRIDE_SIGNED = "validation_override_signed", _("validation override signed off")
    ANSWERED = "answered", _("answer saved")
    EVIDENCE_UPLOADED = "evidence_uploaded", _("evidence uploaded")
    SIGNED_OFF = "signed_off", _("signed off")
    MEMBER_ADDED = "member_added", _("team member added")
    MEMBER_REMOVED = "member_removed", _("team member removed")
    BUSINESS_CASE_SAVED = "business_case_saved", _("business case saved")
    REQUIREMENT_ADDED = "requirement_added", _("requirement added")
    REQUIREMENT_CHANGED = "requirement_changed", _("requirement changed")
    REQUIREMENT_MOVED = "requirement_moved", _("requirement moved")
    REQUIREMENT_REMOVED = "requirement_removed", _("requirement removed")
    VALIDATION_CHANGED = "validation_changed", _("validation data changed")
    DEADLINE_SET = "deadline_set", _("deadline or assignment set")
    MONITORING_PLAN = "monitoring_plan", _("monitoring plan changed")
    MONITORING_DATA = "monitoring_data", _("monitoring data received")
    # The name notifications/routing.py routes (MONITORING_ALARM there).
    MONITORING_ALARM = "monitoring_alarm", _("monitoring alarm")
    MONITORING_INCIDENT = "monitoring_incident", _("monitoring incident assessed or decided")
    MARKET_VENDOR = "market_vendor", _("vendor or product changed")
    MARKET_DIALOGUE = "market_dialogue", _("market dialogue recorded")
    MARKET_OFFER = "market_offer", _("vendor's questionnaire answers imported")
    MARKET_SCORE = "market_score", _("offer scored")
    MARKET_EVALUATION = "market_evaluation", _("offer evaluation changed")
    MARKET_MODEL_CARD = "market_model_card", _("model card imported or confirmed")


class Kind(models.TextChoices):
    """What a journal entry is about, for filtering the history."""

    TRANSITION = "transition", _("Stage changes")
    ANSWER = "answer", _("Answers")
    EVIDENCE = "evidence", _("Evidence")
    SIGNOFF = "signoff", _("Sign-offs")
    TEAM = "team", _("Team")
    TOOL = "tool", _("Stage tools")
    DOSSIER = "dossier", _("Dossiers")
    PATHWAY = "pathway", _("Guideline versions")


KIND_OF_ACTION = {
    Action.CREATED: Kind.TRANSITION,
    Action.APPROVAL_REQUESTED: Kind.TRANSITION,
    Action.APPROVED: Kind.TRANSITION,
    Action.RETURNED: Kind.TRANSITION,
    Action.STOPPED: Kind.TRANSITION,
    Action.REOPENED: Kind.TRANSITION,
    Action.RETIRED: Kind.TRANSITION,
    Action.CONTINUED: Kind.PATHWAY,
    Action.UPGRADED: Kind.PATHWAY,
    Action.DOSSIER_GENERATED: Kind.DOSSIER,
    Action.VALIDATION_OVERRIDE: Kind.TOOL,
    Action.VALIDATION_OVERRIDE_SIGNED: Kind.TOOL,
    Action.ANSWERED: Kind.ANSWER,
    Action.EVIDENCE_UPLOADED: Kind.EVIDENCE,
    Action.SIGNED_OFF: Kind.SIGNOFF,
    Action.MEMBER_ADDED: Kind.TEAM,
    Action.MEMBER_REMOVED: Kind.TEAM,
    Action.BUSINESS_CASE_SAVED: Kind.TOOL,
    Action.REQUIREMENT_ADDED: Kind.TOOL,
    Action.REQUIREMENT_CHANGED: Kind.TOOL,
    Action.REQUIREMENT_MOVED: Kind.TOOL,
    Action.REQUIREMENT_REMOVED: Kind.TOOL,
    Action.VALIDATION_CHANGED: Kind.TOOL,
    Action.DEADLINE_SET: Kind.TEAM,
    Action.MONITORING_PLAN: Kind.TOOL,
    Action.MONITORING_DATA: Kind.TOOL,
    Action.MONITORING_ALARM: Kind.TOOL,
    Action.MONITORING_INCIDENT: Kind.TOOL,
    Action.MARKET_VENDOR: Kind.TOOL,
    Action.MARKET_DIALOGUE: Kind.TOOL,
    Action.MARKET_OFFER: Kind.TOOL,
    Action.MARKET_SCORE: Kind.TOOL,
    Action.MARKET_EVALUATION: Kind.TOOL,
    Action.MARKET_MODEL_CARD: Kind.TOOL,
}


# The transitions of the state machine; the rest of Action are events without a state change.
TRANSITIONS = (
    Action.APPROVED,
    Action.RETURNED,
    Action.STOPPED,
    Action.REOPENED,
    Action.RETIRED,
    Action.CONTINUED,
)


def _next_stage_key(project: "Project", **kwargs) -> str:
    return project.next_stage().key


def _chosen_target(project: "Project", *, target: str, **kwargs) -> str:
    return target


def _stopped_from(project: "Project", **kwargs) -> str:
    return project.stopped_from


def _continuation_stage(project: "Project", *, plan, **kwargs) -> str:
    return plan.target_state


class AppendOnly(models.Model):
    """Rows written once and never changed or deleted: audit trails and archives. Other apps'
    audit models (the dossier's versions, the validation log) use it too."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError(f"{type(self).__name__} rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{type(self).__name__} rows are never deleted.")


class Project(ConcurrentTransitionMixin, models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT
    )
    pathway = models.ForeignKey(
        Pathway, verbose_name=_("pathway"), on_delete=models.PROTECT, related_name="projects"
    )
    title = models.CharField(_("title"), max_length=200)
    clinical_need = models.TextField(_("clinical need"))
    department = models.CharField(_("department"), max_length=200)
    product_name = models.CharField(_("product"), max_length=200, blank=True)
    vendor_name = models.CharField(_("vendor"), max_length=200, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_projects",
    )
    state = FSMField(_("state"), max_length=80, protected=True, db_index=True)
    stopped_from = models.CharField(_("stopped in stage"), max_length=80, blank=True)
    approval_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approval requested by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approval_requested_at = models.DateTimeField(_("approval requested at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        # The lists' order (the dashboard's page of the most recently changed).
        indexes = [models.Index(fields=["-updated_at"], name="project_recent_first")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state=STOPPED_STATE) | ~models.Q(stopped_from=""),
                name="stopped_project_knows_its_stage",
            ),
            models.CheckConstraint(
                condition=models.Q(approval_requested_by__isnull=True)
                | models.Q(approval_requested_at__isnull=False),
                name="approval_request_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    # --- the journey -------------------------------------------------------------------------

    @cached_property
    def stages(self) -> list[Stage]:
        return list(self.pathway.stages.all())

    @cached_property
    def _stages_by_key(self) -> dict[str, Stage]:
        return {stage.key: stage for stage in self.stages}

    def stage(self, key: str) -> Stage | None:
        return self._stages_by_key.get(key)

    def stages_with_tool(self, tool: str) -> list[Stage]:
        """The stages of the project's pathway that hold the stage tool `tool`, in order (one
        or more, e.g. validation on both validation stages; none when the pathway lacks it)."""
        return [stage for stage in self.stages if tool in stage.tools]

    def tool_stage(self, tool: str) -> Stage | None:
        """The first stage of the project's pathway that holds the stage tool `tool`."""
        return next(iter(self.stages_with_tool(tool)), None)

    @property
    def is_active(self) -> bool:
        """In one of the pathway's stages (not stopped, not retired)."""
        return self.state in self._stages_by_key

    @property
    def current_stage(self) -> Stage | None:
        """The stage the project is in, or the one it was stopped in."""
        return self.stage(self.stopped_from if self.state == STOPPED_STATE else self.state)

    def next_stage(self) -> Stage | None:
        stage = self.current_stage
        if stage is None or not self.is_active or stage.order + 1 >= len(self.stages):
            return None
        return self.stages[stage.order + 1]

    def earlier_stages(self) -> list[Stage]:
        stage = self.current_stage
        if stage is None or not self.is_active:
            return []
        return self.stages[: stage.order]

    @property
    def is_in_last_stage(self) -> bool:
        return self.is_active and self.current_stage.order == len(self.stages) - 1

    @property
    def state_label(self) -> str:
        if self.state in TERMINAL_STATE_LABELS:
            return str(TERMINAL_STATE_LABELS[self.state])
        stage = self.stage(self.state)
        return stage.name if stage else self.state

    def state_name(self, key: str) -> str:
        """A readable name for any state key, for the history."""
        if key in TERMINAL_STATE_LABELS:
            return str(TERMINAL_STATE_LABELS[key])
        stage = self.stage(key)
        return stage.name if stage else key

    # --- the state machine: only called by procurement.transitions.perform_transition ----------
    # The gate is asked there, once, after the row lock: the transitions carry no django-fsm
    # conditions or permission of their own (asked again, they could only agree or hide a bug).

    @transition(field=state, source="*", target=GET_STATE(_next_stage_key))
    def approve(self, **kwargs) -> None:
        self._clear_approval_request()

    @transition(field=state, source="*", target=GET_STATE(_chosen_target))
    def return_to(self, *, target: str, **kwargs) -> None:
        if target not in {stage.key for stage in self.earlier_stages()}:
            # Raised before django-fsm sets the state, so nothing changes.
            raise ValueError(f"{target!r} is not an earlier stage of this project")
        self._clear_approval_request()

    @transition(field=state, source="*", target=STOPPED_STATE)
    def stop(self, **kwargs) -> None:
        self.stopped_from = self.state
        self._clear_approval_request()

    @transition(field=state, source=STOPPED_STATE, target=GET_STATE(_stopped_from))
    def reopen(self, **kwargs) -> None:
        """Back into the stage the project was stopped in. django-fsm reads the target
        (stopped_from) after this body; stopped_from is kept as where it was last stopped."""

    @transition(field=state, source="*", target=RETIRED_STATE)
    def retire(self, **kwargs) -> None:
        self._clear_approval_request()

    @transition(field=state, source="*", target=GET_STATE(_continuation_stage))
    def continue_into(self, *, plan, **kwargs) -> None:
        """A completed fast-track project continues in the full pathway: the state moves to the
        plan's target stage; the caller (the transition service) moves the answers by key with
        `pathway_change.apply_plan` in the same transaction."""
        if plan.blockers:
            raise ValueError("; ".join(plan.blockers))
        self._clear_approval_request()

    def _clear_approval_request(self) -> None:
        self.approval_requested_by = None
        self.approval_requested_at = None


class Membership(models.Model):
    """A person's role on one project. One person may hold several roles on a project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "role", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["project", "user", "role"], name="unique_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}"


def evidence_path(instance: "Evidence", filename: str) -> str:
    # The stored name is generated by the server; the user's file name is only kept as data.
    return f"{instance.project_id}/{instance.stored_name}"


class Evidence(models.Model):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="evidence")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(_("file name"), max_length=255)
    stored_name = models.CharField(max_length=64, unique=True, editable=False)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name


class Answer(models.Model):
    """The current answer to one item. `revision` grows with every change, so a sign-off given
    to an earlier revision no longer counts once the answer changes."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="answers")
    value = models.TextField(_("answer"), blank=True)
    justification = models.TextField(_("justification"), blank=True)
    evidence = models.ForeignKey(
        Evidence, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revision = models.PositiveIntegerField(default=1)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["project", "item"], name="one_answer_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.item.key}: {self.value[:40]}"


class SignOff(models.Model):
    """A role's sign-off on one revision of an answer. Kept when the answer changes, but then it
    no longer counts (see gates)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="signoffs")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    answer_revision = models.PositiveIntegerField()
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "item", "answer_revision"], name="one_signoff_per_revision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.key} – {self.user} ({self.get_role_display()})"


class HistoryEntry(AppendOnly):
    """One entry of the project's journal: every recorded change, written once by
    `procurement.journal.record` in the same transaction as the change, and never edited or
    deleted (the `AppendOnly` guard here, and a database trigger below it).

    Entries are numbered per project (`seq` 1, 2, ...) and chained: `hash` is SHA-256 over the
    entry's canonical form including `prev_hash`, the hash of the entry before it, so a changed,
    removed or inserted entry breaks the chain (`manage.py verify_journal` finds it)."""

    # PROTECT: a project with a journal is never deleted (the database refuses it as well).
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="history")
    seq = models.PositiveIntegerField(_("number"))
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    from_state = models.CharField(_("from"), max_length=80, blank=True)
    to_state = models.CharField(_("to"), max_length=80, blank=True)
    # Empty only for what an operator did from the command line (e.g. generate_dossier).
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # Set by the journal before hashing (not auto_now_add, which would change it after).
    at = models.DateTimeField(_("at"), db_index=True)
    # The stage the change belongs to, and what it changed (an item key, a member, a tool).
    stage_key = models.CharField(_("stage"), max_length=80, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    comment = models.TextField(_("reason or comment"), blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)
    # The API token a change came through ("name (key prefix)"); empty for the web.
    # Nullable so that adding it is a plain ADD COLUMN: on SQLite a NOT NULL column rebuilds the
    # table, and the rebuild would drop the append-only triggers.
    via = models.CharField(_("via"), max_length=200, null=True, blank=True)  # noqa: DJ001

    class Meta:
        ordering = ["seq"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal")
        constraints = [
            # Two writers can never fork a project's chain: the second gets an IntegrityError.
            models.UniqueConstraint(fields=["project", "seq"], name="one_journal_entry_per_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}#{self.seq}: {self.action}"

    @property
    def kind(self) -> str:
        return KIND_OF_ACTION.get(self.action, Kind.TRANSITION)


class ProjectProgress(models.Model):
    """Where a project's current stage stands, kept beside the project so that lists of many
    projects (the dashboard) need not load every item of every project.

    Derived data only: `procurement.progress.refresh_progress` rewrites the row from the gate's
    own evaluation (`gates.load_stage_statuses`) in the transaction of every journalled change
    that can alter it; nothing else writes it. The counts are per role, so who holds a role
    (the team, organisation-wide roles) is read when the row is read, not stored."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, primary_key=True, related_name="progress"
    )
    stage_key = models.CharField(max_length=80, blank=True)
    answered = models.PositiveIntegerField(default=0)
    applicable = models.PositiveIntegerField(default=0)
    required_missing = models.PositiveIntegerField(default=0)
    # role -> required items of that role still unanswered
    missing_by_role = models.JSONField(default=dict)
    # sign-off role -> answered items still waiting for that role's sign-off
    signoffs_by_role = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("project progress")
        verbose_name_plural = _("project progress")

    def __str__(self) -> str:
        return f"{self.project_id}: {self.answered}/{self.applicable}"
