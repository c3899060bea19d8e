"""The API's views: thin, like the web's. Each fetches the project through the web's permission
helper (404 for non-members) and the token's binding, checks the same role rules (403), lets
the web's forms validate and calls the same service, so every change still has one door."""

from contextlib import ExitStack

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import Throttled
from rest_framework.exceptions import ValidationError as BadRequest
from rest_framework.response import Response
from rest_framework.views import APIView

from assistant.answering import QuestionError, answer_question
from assistant.forms import QuestionForm
from assistant.services import log_question
from assistant.throttle import allow_question, retry_after
from checklists.models import ChecklistItem
from dossier import services as dossier_services
from dossier.models import DossierVersion
from dossier.tool import requirements_specification
from dossier.word import DOCX_TYPE
from monitoring import services as monitoring_services
from monitoring.models import Alarm
from procurement import journal, services
from procurement.downloads import set_download_name
from procurement.forms import TRANSITION_FORMS, AnswerForm, ReturnForm
from procurement.gates import load_stage_status
from procurement.history import chain_status
from procurement.models import HistoryEntry
from procurement.permissions import (
    get_visible_project,
    require,
    visible_projects,
)
from procurement.transitions import perform_transition, request_approval
from validation import services as validation_services
from validation.forms import UploadForm
from validation.kinds import phase_for_stage_key
from validation.models import ResultUpload
from validation.permissions import can_contribute
from validation.tool import NAME as VALIDATION_TOOL

from . import selectors
from . import serializers as s
from .exceptions import FormInvalid
from .idempotency import replay_or_run
from .models import Scope
from .permissions import check_binding, token_of

# The examples name the demo data (`manage.py seed_demo`): the Ambient Scribe project.
PROJECT_ID = OpenApiParameter(
    "project_id",
    int,
    OpenApiParameter.PATH,
    examples=[OpenApiExample("The demo's Ambient Scribe project", value=1)],
)
STAGE_KEY = OpenApiParameter(
    "stage_key",
    str,
    OpenApiParameter.PATH,
    examples=[OpenApiExample("A validation stage", value="prospective_validation")],
)
ITEM_KEY = OpenApiParameter(
    "item_key",
    str,
    OpenApiParameter.PATH,
    examples=[OpenApiExample("An item", value="prospective_validation.human_oversight")],
)


class GuideAPIView(APIView):
    """Journals every write made with a token as made through it (journal.acting_via)."""

    def dispatch(self, request, *args, **kwargs):
        with ExitStack() as self._scope:
            return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        token = token_of(request)
        if token is not None:
            self._scope.enter_context(journal.acting_via(token.label))

    def project(self, project_id: int):
        project = get_visible_project(self.request.user, project_id)
        check_binding(self.request, project)
        return project


def _form_errors(form) -> dict[str, list[str]]:
    prefix = f"{form.prefix}-" if form.prefix else ""
    return {
        ("non_field_errors" if field == "__all__" else field.removeprefix(prefix)): list(errors)
        for field, errors in form.errors.items()
    }


# --- projects ----------------------------------------------------------------------------------


class ProjectList(GuideAPIView):
    @extend_schema(
        operation_id="projects_list",
        summary="The projects you may see",
        parameters=[s.ProjectFilterSerializer],
        responses={200: s.ProjectSerializer(many=True)},
    )
    def get(self, request):
        projects = visible_projects(request.user).order_by("pk")
        token = token_of(request)
        if token is not None and token.project_id is not None:
            projects = projects.filter(pk=token.project_id)
        if token is not None and token.organisation_id is not None:
            projects = projects.filter(organisation_id=token.organisation_id)
        filters = s.ProjectFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        if filters.validated_data.get("stage"):
            projects = projects.filter(state=filters.validated_data["stage"])
        if filters.validated_data.get("organisation"):
            projects = projects.filter(organisation_id=filters.validated_data["organisation"])
        return Response(s.ProjectSerializer(projects, many=True).data)


class ProjectDetail(GuideAPIView):
    @extend_schema(
        operation_id="projects_retrieve",
        summary="A project: its stage, the gate's reasons and what now for you",
        parameters=[PROJECT_ID],
        responses={200: s.ProjectDetailSerializer},
    )
    def get(self, request, project_id: int):
        project = self.project(project_id)
        return Response(selectors.project_detail(project, request.user))


# --- checklist ---------------------------------------------------------------------------------


class StageItems(GuideAPIView):
    @extend_schema(
        operation_id="stage_items_list",
        summary="A stage's checklist items with their answers and sign-offs",
        parameters=[PROJECT_ID, STAGE_KEY],
        responses={200: s.StageItemsSerializer},
    )
    def get(self, request, project_id: int, stage_key: str):
        project = self.project(project_id)
        stage = project.stage(stage_key)
        if stage is None:
            raise Http404("No such stage")
        return Response(selectors.stage_items(project, stage, request.user))


def _item(project, item_key: str) -> ChecklistItem:
    return get_object_or_404(ChecklistItem, key=item_key, stage__pathway_id=project.pathway_id)


def _item_required(project, item) -> bool:
    status = load_stage_status(project, item.stage)
    return next((st.required for st in status.items if st.item.pk == item.pk), item.required)


class ItemAnswer(GuideAPIView):
    @extend_schema(
        operation_id="item_answer",
        summary="Answer an item of the current stage (as the web form does)",
        parameters=[PROJECT_ID, ITEM_KEY],
        request={
            "application/json": s.AnswerRequestSerializer,
            "multipart/form-data": s.AnswerRequestSerializer,
        },
        responses={200: s.AnswerSerializer},
    )
    def put(self, request, project_id: int, item_key: str):
        project = self.project(project_id)
        item = _item(project, item_key)
        body = s.AnswerRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        prefix = f"item{item.pk}-"
        form = AnswerForm(
            {
                prefix + "value": body.validated_data["value"],
                prefix + "justification": body.validated_data["justification"],
            },
            {prefix + "value": body.validated_data["file"]}
            if "file" in body.validated_data
            else {},
            item=item,
            required=_item_required(project, item),
        )
        if not form.is_valid():
            raise FormInvalid(_form_errors(form))
        is_file = item.answer_type == "evidence"
        answer = services.save_answer(
            project=project,
            item=item,
            by=request.user,
            value="" if is_file else form.cleaned_data["value"],
            justification=form.cleaned_data.get("justification", ""),
            upload=form.cleaned_data["value"] if is_file else None,
            seen_state=body.validated_data["seen_state"] or None,
        )
        return Response(s.AnswerSerializer(answer).data)


class ItemSignOff(GuideAPIView):
    @extend_schema(
        operation_id="item_sign_off",
        summary="Sign off an item's current answer (four-eyes: not your own)",
        parameters=[PROJECT_ID, ITEM_KEY],
        request=s.SignOffRequestSerializer,
        responses={201: s.SignOffSerializer},
    )
    def post(self, request, project_id: int, item_key: str):
        project = self.project(project_id)
        item = _item(project, item_key)
        body = s.SignOffRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        signoff = services.sign_off(
            project=project,
            item=item,
            by=request.user,
            seen_state=body.validated_data["seen_state"] or None,
        )
        return Response(s.SignOffSerializer(signoff).data, status=201)


# --- transitions -------------------------------------------------------------------------------


class ApprovalRequest(GuideAPIView):
    @extend_schema(
        operation_id="approval_request",
        summary="Ask an innovation consultant to approve the current stage",
        parameters=[PROJECT_ID],
        request=s.CommentSerializer,
        responses={200: s.ProjectSerializer},
    )
    def post(self, request, project_id: int):
        project = self.project(project_id)
        body = s.CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        project = request_approval(
            project=project, by=request.user, comment=body.validated_data["comment"]
        )
        return Response(s.ProjectSerializer(self.project(project.pk)).data)


class Transition(GuideAPIView):
    @extend_schema(
        operation_id="transition",
        summary="Approve, return, stop, reopen or retire (through the one door)",
        parameters=[
            PROJECT_ID,
            OpenApiParameter(
                "action", str, OpenApiParameter.PATH, enum=[str(a) for a in s.TRANSITION_ACTIONS]
            ),
        ],
        request=s.TransitionRequestSerializer,
        responses={200: s.ProjectSerializer},
    )
    def post(self, request, project_id: int, action: str):
        project = self.project(project_id)
        form_class = TRANSITION_FORMS.get(action)
        if form_class is None:
            raise Http404("No such action")
        body = s.TransitionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        kwargs = {"project": project} if form_class is ReturnForm else {}
        form = form_class(body.validated_data, **kwargs)
        if not form.is_valid():
            raise FormInvalid(_form_errors(form))
        project = perform_transition(
            project=project,
            action=action,
            by=request.user,
            comment=form.cleaned_data["comment"],
            target=form.cleaned_data.get("target"),
        )
        return Response(s.ProjectSerializer(self.project(project.pk)).data)


# --- history -----------------------------------------------------------------------------------


class History(GuideAPIView):
    @extend_schema(
        operation_id="history",
        summary="The project's journal with its hash chain",
        parameters=[PROJECT_ID],
        responses={200: s.HistorySerializer},
    )
    def get(self, request, project_id: int):
        project = self.project(project_id)
        chain = chain_status(project)
        entries = HistoryEntry.objects.filter(project=project).select_related("by").order_by("seq")
        data = {
            "chain_intact": chain.intact,
            "count": chain.head.count,
            "head": chain.head.hash,
            "entries": entries,
        }
        return Response(s.HistorySerializer(data).data)


# --- dossier and requirements ------------------------------------------------------------------


class DossierVersions(GuideAPIView):
    @extend_schema(
        operation_id="dossier_versions_list",
        summary="The stored dossier versions",
        parameters=[PROJECT_ID],
        responses={200: s.DossierVersionSerializer(many=True)},
    )
    def get(self, request, project_id: int):
        project = self.project(project_id)
        versions = dossier_services.dossier_panel(project)["versions"]
        return Response(s.DossierVersionSerializer(versions, many=True).data)

    @extend_schema(
        operation_id="dossier_request",
        summary="Ask for a new dossier version (made in the background)",
        parameters=[PROJECT_ID],
        request=None,
        responses={202: s.DossierRequestSerializer},
    )
    def post(self, request, project_id: int):
        project = self.project(project_id)
        job = dossier_services.request_dossier(
            project=project, by=request.user, language=(get_language() or "da")[:2]
        )
        return Response(s.DossierRequestSerializer(job).data, status=202)


class DossierDownload(GuideAPIView):
    @extend_schema(
        operation_id="dossier_download",
        summary="One stored dossier version (PDF/A), unchanged",
        parameters=[PROJECT_ID, OpenApiParameter("version_id", int, OpenApiParameter.PATH)],
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request, project_id: int, version_id: int):
        project = self.project(project_id)
        version = get_object_or_404(DossierVersion, pk=version_id, project=project)
        content = dossier_services.download_version(version=version, by=request.user)
        return _file(content, "application/pdf", version.file_name)


def _file(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    set_download_name(response, name)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-cache"
    return response


class RequirementsDocx(GuideAPIView):
    @extend_schema(
        operation_id="requirements_docx",
        summary="The requirements specification as Word",
        parameters=[PROJECT_ID],
        responses={(200, DOCX_TYPE): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request, project_id: int):
        content, name = requirements_specification(self.project(project_id))
        return _file(content, DOCX_TYPE, name)


# --- validation --------------------------------------------------------------------------------


class ValidationUploads(GuideAPIView):
    def _stage(self, project, stage_key: str):
        stage = project.stage(stage_key)
        if stage is None or VALIDATION_TOOL not in (stage.tools or []):
            raise Http404("No validation on this stage")
        return stage

    @extend_schema(
        operation_id="validation_uploads_list",
        summary="The results files uploaded for a validation stage",
        parameters=[PROJECT_ID, STAGE_KEY],
        responses={200: s.ValidationUploadSerializer(many=True)},
    )
    def get(self, request, project_id: int, stage_key: str):
        project = self.project(project_id)
        stage = self._stage(project, stage_key)
        uploads = (
            ResultUpload.objects.filter(project=project, phase=phase_for_stage_key(stage.key))
            .select_related("site")
            .order_by("pk")
        )
        return Response(s.ValidationUploadSerializer(uploads, many=True).data)

    @extend_schema(
        operation_id="validation_upload",
        summary="Upload a results file (CSV/XLSX); nothing is imported when a row is wrong",
        parameters=[PROJECT_ID, STAGE_KEY],
        request={"multipart/form-data": s.ValidationUploadRequestSerializer},
        responses={201: s.ValidationUploadSerializer},
    )
    def post(self, request, project_id: int, stage_key: str):
        project = self.project(project_id)
        stage = self._stage(project, stage_key)
        require(can_contribute(project, request.user))
        form = UploadForm(request.data, request.FILES, project=project)
        if not form.is_valid():
            raise FormInvalid(_form_errors(form))
        data = form.cleaned_data
        result = validation_services.upload_results(
            project=project,
            stage=stage,
            site=data["site"],
            kind=data["kind"],
            upload=data["file"],
            by=request.user,
            threshold=data.get("threshold"),
        )
        return Response(s.ValidationUploadSerializer(result).data, status=201)


# --- monitoring --------------------------------------------------------------------------------


def _period_data(row) -> dict:
    alarms = Alarm.objects.filter(project_id=row.project_id, period=row.period).order_by("pk")
    return s.MonitoringPeriodSerializer(
        {
            "project_id": row.project_id,
            "source": row.source,
            "period": row.period,
            "period_start": row.period_start,
            "values": row.values,
            "alarms": alarms,
        }
    ).data


class MonitoringPush(GuideAPIView):
    required_scope = Scope.MONITORING_PUSH

    @extend_schema(
        operation_id="monitoring_push",
        summary="Send one period's figures (idempotent)",
        description=(
            "The same (project, source, period) with the same figures changes nothing and gets "
            "the same answer; with an Idempotency-Key header, the key decides: the same key "
            "again returns the stored answer, the same key with other data is refused (422)."
        ),
        parameters=[
            PROJECT_ID,
            OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=False),
        ],
        request=s.MonitoringPushSerializer,
        responses={200: s.MonitoringPeriodSerializer},
    )
    def post(self, request, project_id: int):
        project = self.project(project_id)
        body = s.MonitoringPushSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data

        def push() -> tuple[int, dict]:
            plan = monitoring_services.current_plan(project)
            if data["source"] and plan is not None and data["source"] != plan.source:
                raise BadRequest({"source": ["This is not the source of the project's plan."]})
            result = monitoring_services.ingest_period(
                project=project, by=request.user, period=data["period"], values=data["values"]
            )
            return 200, _period_data(result.period)

        status, payload = replay_or_run(request=request, project=project, data=data, run=push)
        return Response(payload, status=status)


# --- the assistant -----------------------------------------------------------------------------


class Ask(GuideAPIView):
    # Asking only reads the guideline (the question log aside): a read token may ask.
    required_scope = Scope.READ

    @extend_schema(
        operation_id="ask",
        summary="Ask the guide a question (cited answers from the guidelines)",
        request=s.QuestionRequestSerializer,
        responses={200: s.AssistantAnswerSerializer},
    )
    def post(self, request):
        if not allow_question(request):
            raise Throttled(wait=retry_after())
        body = s.QuestionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        form = QuestionForm(
            {"q": body.validated_data["q"], "project": body.validated_data["project"]}
        )
        if not form.is_valid():
            raise FormInvalid(_form_errors(form))
        project = None
        if form.cleaned_data["project"]:
            project = self.project(form.cleaned_data["project"])
        try:
            answer = answer_question(
                form.cleaned_data["q"],
                language=(get_language() or "da")[:2],
                project=project,
                user=request.user,
            )
        except QuestionError:
            message = QuestionForm.base_fields["q"].error_messages["required"]
            raise FormInvalid({"q": [str(message)]}) from None
        log_question(answer=answer, page="api", project=project)
        return Response(answer.as_dict())


@extend_schema(exclude=True)
class NoSuchEndpoint(GuideAPIView):
    """Every method on a path the API does not have: 404 as a problem."""

    permission_classes = []

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise Http404("No such endpoint")

    def get(self, request, *args, **kwargs):
        raise Http404("No such endpoint")
