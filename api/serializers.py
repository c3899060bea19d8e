"""What the API reads and writes. Response serializers present what the selectors and the gate
already computed; request serializers only check the shape, the web's forms and the services
check the rest."""

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from checklists.roles import AnswerType
from procurement.models import Action

MAX_ID = 10**18 - 1


class ProjectFilterSerializer(serializers.Serializer):
    stage = serializers.CharField(
        required=False, max_length=80, help_text="Only projects in this state (a stage key)."
    )
    organisation = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text="Only this organisation's."
    )


class ProblemReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    role = serializers.CharField(allow_blank=True)
    items = serializers.ListField(child=serializers.CharField())
    people = serializers.ListField(child=serializers.CharField())


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(allow_blank=True)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )
    reasons = ProblemReasonSerializer(many=True, required=False)


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    role = serializers.CharField(allow_blank=True)
    items = serializers.ListField(child=serializers.CharField())
    people = serializers.ListField(child=serializers.CharField())


class StageSerializer(serializers.Serializer):
    key = serializers.CharField()
    order = serializers.IntegerField()
    name = serializers.CharField()


class NextStepSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    items = serializers.ListField(child=serializers.CharField())
    overdue = serializers.BooleanField()


class ProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    organisation = serializers.CharField(source="organisation.name")
    organisation_id = serializers.IntegerField()
    department = serializers.CharField()
    product_name = serializers.CharField()
    vendor_name = serializers.CharField()
    owner = serializers.CharField(source="owner.username")
    pathway = serializers.CharField(source="pathway.slug")
    pathway_version = serializers.IntegerField(source="pathway.version")
    state = serializers.CharField()
    state_label = serializers.CharField()
    is_active = serializers.BooleanField()
    approval_requested_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()


class ProjectDetailSerializer(ProjectSerializer):
    clinical_need = serializers.CharField()
    current_stage = StageSerializer(allow_null=True)
    roles = serializers.ListField(child=serializers.CharField(), help_text="Your roles.")
    approve_blocked_by = ReasonSerializer(
        many=True, help_text="Why the current stage cannot be approved now (empty: it can)."
    )
    request_approval_blocked_by = ReasonSerializer(
        many=True, help_text="Why you cannot ask for approval now (empty: you can)."
    )
    next_step = NextStepSerializer(help_text="What now, for the token's owner.")


class SignOffSerializer(serializers.Serializer):
    role = serializers.CharField()
    user = serializers.CharField(source="user.username")
    answer_revision = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class AnswerSerializer(serializers.Serializer):
    value = serializers.CharField(allow_blank=True)
    justification = serializers.CharField(allow_blank=True)
    revision = serializers.IntegerField()
    answered_by = serializers.CharField(source="answered_by.username", allow_null=True)
    updated_at = serializers.DateTimeField()
    evidence_name = serializers.CharField(allow_null=True, source="evidence.original_name")


class ItemSerializer(serializers.Serializer):
    key = serializers.CharField(source="item.key")
    text = serializers.CharField(source="item.text")
    answer_type = serializers.ChoiceField(choices=AnswerType.choices, source="item.answer_type")
    role = serializers.CharField(source="item.role")
    signoff_role = serializers.CharField(source="item.signoff_role", allow_blank=True)
    choices = serializers.ListField(child=serializers.CharField(), source="choice_keys")
    applicable = serializers.BooleanField()
    required = serializers.BooleanField()
    answered = serializers.BooleanField()
    signed_off = serializers.BooleanField()
    needs_signoff = serializers.BooleanField()
    answer = AnswerSerializer(allow_null=True)
    signoff = SignOffSerializer(allow_null=True)
    may_answer = serializers.BooleanField()
    may_sign_off = serializers.BooleanField()


class StageItemsSerializer(serializers.Serializer):
    stage = StageSerializer()
    frozen = serializers.BooleanField(help_text="Approved stages are frozen until reopened.")
    items = ItemSerializer(many=True)


@extend_schema_serializer(
    examples=[
        OpenApiExample("Yes/no", value={"value": "yes", "justification": ""}, request_only=True)
    ]
)
class AnswerRequestSerializer(serializers.Serializer):
    value = serializers.CharField(
        allow_blank=True,
        required=False,
        default="",
        max_length=100_000,
        help_text="The answer as the web form takes it: a choice key, yes/no/na, a number, a "
        "date (YYYY-MM-DD) or text.",
    )
    justification = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=100_000
    )
    seen_state = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=80,
        help_text="The project state you read; refused when it moved meanwhile.",
    )
    file = serializers.FileField(
        required=False, help_text="Evidence items only (multipart/form-data)."
    )


class SignOffRequestSerializer(serializers.Serializer):
    seen_state = serializers.CharField(required=False, default="", allow_blank=True, max_length=80)


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, default="", allow_blank=True, max_length=5000)


TRANSITION_ACTIONS = [
    Action.APPROVED,
    Action.RETURNED,
    Action.STOPPED,
    Action.REOPENED,
    Action.RETIRED,
]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "Return to an earlier stage",
            value={"comment": "Databehandleraftalen mangler.", "target": "legal"},
            request_only=True,
        )
    ]
)
class TransitionRequestSerializer(serializers.Serializer):
    comment = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=5000,
        help_text="Required for return_to, stop and retire.",
    )
    target = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=80,
        help_text="return_to only: the key of the earlier stage.",
    )


class HistoryEntrySerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    action = serializers.CharField()
    action_label = serializers.CharField(source="get_action_display")
    by = serializers.CharField(source="by.username", allow_null=True)
    via = serializers.CharField(allow_null=True, help_text="The API token, when not the web.")
    at = serializers.DateTimeField()
    stage_key = serializers.CharField()
    subject = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)
    comment = serializers.CharField()
    prev_hash = serializers.CharField()
    hash = serializers.CharField()


class HistorySerializer(serializers.Serializer):
    chain_intact = serializers.BooleanField()
    count = serializers.IntegerField()
    head = serializers.CharField(help_text="The last entry's hash.")
    entries = HistoryEntrySerializer(many=True)


class DossierVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField(source="created_by.username", allow_null=True)
    state = serializers.CharField()
    stage_key = serializers.CharField()
    language = serializers.CharField()
    page_count = serializers.IntegerField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    file_name = serializers.CharField()


class DossierRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    status = serializers.CharField()
    language = serializers.CharField()


class ValidationUploadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    phase = serializers.CharField()
    site = serializers.CharField(source="site.name")
    kind = serializers.CharField()
    original_name = serializers.CharField()
    row_count = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class ValidationUploadRequestSerializer(serializers.Serializer):
    site = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The id of one of the project's sites."
    )
    kind = serializers.CharField(max_length=40)
    file = serializers.FileField(help_text="CSV or XLSX, as on the validation page.")
    threshold = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A month of classification figures",
            value={
                "period": "2026-11",
                "source": "classification",
                "values": {"n": 400, "tp": 40, "fp": 12, "tn": 340, "fn": 8},
            },
            request_only=True,
        )
    ]
)
class MonitoringPushSerializer(serializers.Serializer):
    period = serializers.CharField(max_length=10, help_text="YYYY-MM or YYYY-Www.")
    source = serializers.CharField(
        max_length=20,
        required=False,
        default="",
        allow_blank=True,
        help_text="Optional: must be the plan's source when given.",
    )
    values = serializers.DictField(
        child=serializers.JSONField(), help_text="The plan's source's columns (see the page)."
    )


class AlarmSerializer(serializers.Serializer):
    metric = serializers.CharField()
    period = serializers.CharField()
    rules = serializers.JSONField()
    value = serializers.FloatField(allow_null=True)


class MonitoringPeriodSerializer(serializers.Serializer):
    project = serializers.IntegerField(source="project_id")
    source = serializers.CharField()
    period = serializers.CharField()
    period_start = serializers.DateField()
    values = serializers.JSONField()
    alarms = AlarmSerializer(many=True)


class QuestionRequestSerializer(serializers.Serializer):
    q = serializers.CharField(max_length=500)
    project = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_ID
    )


class AssistantAnswerSerializer(serializers.Serializer):
    question = serializers.CharField()
    language = serializers.CharField()
    declined = serializers.BooleanField()
    project_answer = serializers.JSONField(allow_null=True)
    citations = serializers.ListField(child=serializers.JSONField())
    contents_url = serializers.CharField()
    team_url = serializers.CharField(allow_null=True)
