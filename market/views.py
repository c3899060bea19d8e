"""Thin views: the permission helper (404 for a project a person may not see, 403 from the
service for what they may not change), a form, a service, and back to the page with a message."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dossier.models import Requirement
from dossier.word import DOCX_TYPE
from procurement import evidence_files
from procurement.downloads import set_download_name
from procurement.forms import error_messages
from procurement.permissions import get_visible_project, require, roles_of, team_people
from procurement.project_page import project_context

from . import modelcard, questionnaire, services
from .forms import (
    AnswerForm,
    ConsensusForm,
    DialogueForm,
    EvaluatorForm,
    MinimumCheckForm,
    ProductForm,
    ScaleForm,
    ScoreForm,
    UploadForm,
    VendorChangeForm,
    VendorForm,
)
from .models import DialogueEntry, DialogueFile, ModelCardField, Product, Vendor
from .permissions import EVALUATING_ROLES, can_edit_market, can_run_evaluation
from .presentation import evaluation_context
from .report import evaluation_docx
from .selectors import dialogue_of, load_evaluation, vendors_of

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _project(request: HttpRequest, project_id: int, tool: str):
    project = get_visible_project(request.user, project_id)
    if project.tool_stage(tool) is None:
        raise Http404("No such tool in this pathway")
    return project


def _page(project, anchor: str = "") -> HttpResponse:
    return redirect(reverse("market:page", args=[project.pk]) + anchor)


def _evaluation_page(project, anchor: str = "") -> HttpResponse:
    return redirect(reverse("market:evaluation", args=[project.pk]) + anchor)


def _run(request, form, back: HttpResponse, change: Callable, done: str) -> HttpResponse:
    """Validate, call the service, tell the person; PermissionDenied goes on as a 403."""
    if not form.is_valid():
        for error in error_messages(form):
            messages.error(request, error)
        return back
    try:
        change(form.cleaned_data)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return back
    messages.success(request, done)
    return back


def _members(project):
    return [user for user, roles in team_people(project).items() if roles & EVALUATING_ROLES]


# --- the market page: vendors, dialogue, questionnaires, model cards ---------------------------


@login_required
@require_GET
def page(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id, services.DIALOGUE_TOOL)
    roles = roles_of(project, request.user)
    vendors = vendors_of(project)
    context = project_context(
        project, request.user, stage=project.tool_stage(services.DIALOGUE_TOOL)
    )
    can_edit = can_edit_market(project, request.user, roles)
    entries = dialogue_of(project)
    if can_edit:
        _attach_forms(vendors, entries)
    context.update(
        tab="market",
        vendors=vendors,
        entries=entries,
        can_edit=can_edit,
        vendor_form=VendorForm(prefix="new"),
        dialogue_form=DialogueForm(project=project, prefix="dialogue"),
        confirmable=modelcard.confirmable_fields(project, request.user, vendors),
    )
    return render(request, "market/page.html", context)


def _attach_forms(vendors, entries) -> None:
    """Each vendor, product and open question gets its own forms, with ids of their own."""
    for vendor in vendors:
        vendor.change_form = VendorChangeForm(
            prefix=f"v{vendor.pk}",
            initial={
                "name": vendor.name,
                "cvr": vendor.cvr,
                "contact": vendor.contact,
                # a winner is shown as a bidder: the winner is only set by the evaluation
                "status": Vendor.Status.BIDDER
                if vendor.status == Vendor.Status.WINNER
                else vendor.status,
                "exclusion_reason": vendor.exclusion_reason,
            },
        )
        vendor.product_form = ProductForm(prefix="product", auto_id=f"id_p{vendor.pk}_%s")
        vendor.import_form = UploadForm(prefix="upload", auto_id=f"id_i{vendor.pk}_%s")
        for product in vendor.products.all():
            product.card_form = UploadForm(prefix="upload", auto_id=f"id_c{product.pk}_%s")
    for entry in entries:
        entry.answer_form = AnswerForm(prefix="answer", auto_id=f"id_a{entry.pk}_%s")


@login_required
@require_POST
def vendor_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id, services.DIALOGUE_TOOL)
    form = VendorForm(request.POST, prefix="new")
    return _run(
        request,
        form,
        _page(project, "#vendors"),
        lambda data: services.add_vendor(project=project, by=request.user, **data),
        _("The vendor was added."),
    )


@login_required
@require_POST
def vendor_change(request: HttpRequest, project_id: int, vendor_id: int) -> HttpResponse:
    project = _project(request, project_id, services.DIALOGUE_TOOL)
    vendor = get_object_or_404(Vendor, pk=vendor_id, project=project)
    form = VendorChangeForm(request.POST, prefix=f"v{vendor.pk}")
    return _run(
        request,
        form,
        _page(project, f"#vendor-{vendor.pk}"),
        lambda data: services.update_vendor(vendor=vendor, by=request.user, **data),
        _("The vendor was saved."),
    )


@login_required
@require_POST
def product_add(request: HttpRequest, project_id: int, vendor_id: int) -> HttpResponse:
    project = _project(request, project_id, services.DIALOGUE_TOOL)
    vendor = get_object_or_404(Vendor, pk=vendor_id, project=project)
    form = ProductForm(request.POST, prefix="product")
    return _run(
        request,
        form,
        _page(project, f"#vendor-{vendor.pk}"),
        lambda data: services.add_product(vendor=vendor, by=request.user, **data),
        _("The product was added."),
    )


@login_required
@require_POST
def dialogue_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id, services.DIALOGUE_TOOL)
    form = DialogueForm(request.POST, request.FILES, project=project, prefix="dialogue")

    def change(data):
        upload = data.pop("file")
        services.record_dialogue(
            project=project, by=request.user, uploads=[upload] if upload else [], **data
        )

    return _run(
        request, form, _page(project, "#dialogue"), change, _("The dialogue entry was saved.")
    )


@login_required
@require_POST
def question_answer(request: HttpRequest, project_id: int, entry_id: int) -> HttpResponse:
    project = _project(request, project_id, services.DIALOGUE_TOOL)
    entry = get_object_or_404(DialogueEntry, pk=entry_id, project=project)
    form = AnswerForm(request.POST, prefix="answer")
    return _run(
        request,
        form,
        _page(project, f"#entry-{entry.pk}"),
        lambda data: services.answer_question(entry=entry, by=request.user, answer=data["answer"]),
        _("The answer was published to every vendor in dialogue."),
    )


@login_required
@require_GET
def dialogue_file(request: HttpRequest, project_id: int, file_id: int):
    project = _project(request, project_id, services.DIALOGUE_TOOL)
    stored = get_object_or_404(DialogueFile, pk=file_id, entry__project=project)
    return evidence_files.stored_file_response(
        project.pk,
        stored.stored_name,
        original_name=stored.original_name,
        content_type=stored.content_type,
    )


def _download(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    set_download_name(response, name)
    return response


@login_required
@require_GET
def questionnaire_xlsx(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id, services.DIALOGUE_TOOL)
    data = questionnaire.questionnaire_xlsx(project)
    return _download(data, XLSX_TYPE, f"{slugify(project.title)}-spoergeskema.xlsx")


@login_required
@require_GET
def questionnaire_docx(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id, services.DIALOGUE_TOOL)
    data = questionnaire.questionnaire_docx(project, at=timezone.now())
    return _download(data, DOCX_TYPE, f"{slugify(project.title)}-spoergeskema.docx")


@login_required
@require_POST
def offer_import(request: HttpRequest, project_id: int, vendor_id: int) -> HttpResponse:
    project = _project(request, project_id, services.DIALOGUE_TOOL)
    vendor = get_object_or_404(Vendor, pk=vendor_id, project=project)
    form = UploadForm(request.POST, request.FILES, prefix="upload")
    return _run(
        request,
        form,
        _page(project, f"#vendor-{vendor.pk}"),
        lambda data: questionnaire.import_answers(
            vendor=vendor, by=request.user, upload=data["file"]
        ),
        _("The vendor's answers were imported."),
    )


@login_required
@require_POST
def model_card_import(request: HttpRequest, project_id: int, product_id: int) -> HttpResponse:
    project = _project(request, project_id, services.DIALOGUE_TOOL)
    product = get_object_or_404(Product, pk=product_id, vendor__project=project)
    form = UploadForm(request.POST, request.FILES, prefix="upload")
    return _run(
        request,
        form,
        _page(project, f"#product-{product.pk}"),
        lambda data: modelcard.import_model_card(
            product=product, by=request.user, upload=data["file"]
        ),
        _("The model card was imported. Its answers wait for a team member to confirm them."),
    )


@login_required
@require_POST
def model_card_confirm(request: HttpRequest, project_id: int, field_id: int) -> HttpResponse:
    project = _project(request, project_id, services.DIALOGUE_TOOL)
    field = get_object_or_404(ModelCardField, pk=field_id, card__product__vendor__project=project)
    try:
        modelcard.confirm_field(field=field, by=request.user)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("The answer from the model card was confirmed."))
    return _page(project, f"#product-{field.card.product_id}")


@login_required
@require_GET
def model_card_export(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id, services.DIALOGUE_TOOL)
    data = modelcard.export_model_card(project)
    return _download(data, "application/xml", f"{slugify(project.title)}-model-card.xml")


# --- the evaluation page ----------------------------------------------------------------------


@login_required
@require_GET
def evaluation(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id, services.EVALUATION_TOOL)
    roles = roles_of(project, request.user)
    state = load_evaluation(project)
    context = project_context(
        project, request.user, stage=project.tool_stage(services.EVALUATION_TOOL)
    )
    context.update(
        tab="evaluation",
        evaluator_form=EvaluatorForm(members=_members(project), prefix="evaluator"),
        scale_form=ScaleForm(prefix="scale"),
        score_form=ScoreForm(prefix="score"),
        consensus_form=ConsensusForm(prefix="consensus"),
        minimum_form=MinimumCheckForm(prefix="minimum"),
        **evaluation_context(project, request.user, state, roles),
    )
    return render(request, "market/evaluation.html", context)


@login_required
@require_POST
def evaluator_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id, services.EVALUATION_TOOL)
    form = EvaluatorForm(request.POST, members=_members(project), prefix="evaluator")
    return _run(
        request,
        form,
        _evaluation_page(project, "#evaluators"),
        lambda data: services.assign_evaluator(project=project, by=request.user, user=data["user"]),
        _("The evaluator was added."),
    )


@login_required
@require_POST
def evaluator_remove(request: HttpRequest, project_id: int, user_id: int) -> HttpResponse:
    project = _project(request, project_id, services.EVALUATION_TOOL)
    evaluator = get_object_or_404(project.evaluators.select_related("user"), user_id=user_id)
    try:
        services.remove_evaluator(project=project, by=request.user, user=evaluator.user)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    return _evaluation_page(project, "#evaluators")


def _criterion(project, requirement_id: int) -> Requirement:
    return get_object_or_404(Requirement, pk=requirement_id, project=project)


@login_required
@require_POST
def scale_set(request: HttpRequest, project_id: int, requirement_id: int) -> HttpResponse:
    project = _project(request, project_id, services.EVALUATION_TOOL)
    requirement = _criterion(project, requirement_id)
    form = ScaleForm(request.POST, prefix="scale")
    return _run(
        request,
        form,
        _evaluation_page(project, "#criteria"),
        lambda data: services.set_scale(requirement=requirement, by=request.user, **data),
        _("The scale was saved."),
    )


@login_required
@require_POST
def score_save(request: HttpRequest, project_id: int, vendor_id: int, requirement_id: int):
    project = _project(request, project_id, services.EVALUATION_TOOL)
    vendor = get_object_or_404(Vendor, pk=vendor_id, project=project)
    requirement = _criterion(project, requirement_id)
    form = ScoreForm(request.POST, prefix="score")
    return _run(
        request,
        form,
        _evaluation_page(project, f"#bidder-{vendor.pk}"),
        lambda data: services.save_score(
            vendor=vendor, requirement=requirement, by=request.user, **data
        ),
        _("Your score was saved. Other evaluators can't see it until everyone has scored."),
    )


@login_required
@require_POST
def consensus_set(request: HttpRequest, project_id: int, vendor_id: int, requirement_id: int):
    project = _project(request, project_id, services.EVALUATION_TOOL)
    vendor = get_object_or_404(Vendor, pk=vendor_id, project=project)
    requirement = _criterion(project, requirement_id)
    form = ConsensusForm(request.POST, prefix="consensus")
    return _run(
        request,
        form,
        _evaluation_page(project, f"#bidder-{vendor.pk}"),
        lambda data: services.set_consensus(
            vendor=vendor, requirement=requirement, by=request.user, **data
        ),
        _("The consensus score was saved."),
    )


@login_required
@require_POST
def minimum_set(request: HttpRequest, project_id: int, vendor_id: int, requirement_id: int):
    project = _project(request, project_id, services.EVALUATION_TOOL)
    vendor = get_object_or_404(Vendor, pk=vendor_id, project=project)
    requirement = _criterion(project, requirement_id)
    form = MinimumCheckForm(request.POST, prefix="minimum")
    return _run(
        request,
        form,
        _evaluation_page(project, f"#minimum-{vendor.pk}"),
        lambda data: services.set_minimum_check(
            vendor=vendor, requirement=requirement, by=request.user, **data
        ),
        _("The check was saved."),
    )


@login_required
@require_POST
def evaluation_finish(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id, services.EVALUATION_TOOL)
    require(can_run_evaluation(project, request.user))
    try:
        services.finish_evaluation(project=project, by=request.user)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("The evaluation is finished."))
    return _evaluation_page(project, "#ranking")


@login_required
@require_GET
def evaluation_report(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id, services.EVALUATION_TOOL)
    data = evaluation_docx(project, load_evaluation(project), at=timezone.now())
    return _download(data, DOCX_TYPE, f"{slugify(project.title)}-evaluering.docx")
