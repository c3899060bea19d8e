"""Editing guidelines in the browser: thin views over `authoring.services`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from checklists.loading import PathwayFileError
from checklists.models import Pathway

from . import services
from .content import (
    content_problems,
    diff_content,
    dump_yaml,
    file_name,
    find_item,
    find_stage,
    pathway_content,
)
from .forms import AdoptForm, ImportForm, ItemForm, NewStageForm, NoteForm, StageForm
from .models import OPEN_STATUSES, PathwayDraft
from .permissions import editable_organisations, is_content_editor, require_editor
from .preview import render_draft_guideline
from .selectors import adoptable_versions, editable_pathways, problems_by_key


def _editable_draft(user, draft_id: int) -> PathwayDraft:
    draft = get_object_or_404(
        PathwayDraft.objects.select_related("organisation", "base", "origin"), pk=draft_id
    )
    require_editor(user, draft.organisation)
    return draft


def _published(slug: str, version: int) -> Pathway:
    return get_object_or_404(
        Pathway.objects.select_related("organisation"),
        slug=slug,
        version=version,
        is_published=True,
    )


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    if not is_content_editor(request.user):
        raise PermissionDenied
    context = {
        "pathways": editable_pathways(request.user),
        "adoptable": adoptable_versions(request.user),
    }
    return render(request, "authoring/index.html", context)


@login_required
@require_POST
def start_draft(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    pathway = _published(slug, version)
    require_editor(request.user, pathway.organisation)
    open_draft = PathwayDraft.objects.filter(slug=slug, status__in=OPEN_STATUSES).first()
    if open_draft is not None:
        return redirect("authoring_draft", draft_id=open_draft.pk)
    try:
        draft = services.start_draft(by=request.user, pathway=pathway)
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("authoring_index")
    return redirect("authoring_draft", draft_id=draft.pk)


@login_required
@require_GET
def draft_detail(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _editable_draft(request.user, draft_id)
    compare_with = draft.base or draft.origin
    problems = content_problems(draft.content, slug=draft.slug, version=draft.version)
    context = {
        "draft": draft,
        "problems": problems,
        "problems_by_key": problems_by_key(problems),
        "compare_with": compare_with,
        "diff": diff_content(pathway_content(compare_with), draft.content)
        if compare_with
        else None,
        "events": draft.events.select_related("by"),
        "can_approve": draft.requested_by_id not in (None, request.user.pk),
        "import_form": ImportForm(),
        "note_form": NoteForm(),
    }
    return render(request, "authoring/draft_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def draft_stage(request: HttpRequest, draft_id: int, stage_key: str) -> HttpResponse:
    draft = _editable_draft(request.user, draft_id)
    stage = find_stage(draft.content, stage_key)
    if stage is None:
        raise Http404("No such stage")
    form = StageForm(request.POST or None, initial=StageForm.initial_from(stage))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_stage(
                by=request.user, draft=draft, key=stage_key, fields=form.stage_fields()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect(f"{draft_url(draft)}#stage-{stage_key}")
    return render(
        request, "authoring/stage_form.html", {"draft": draft, "stage": stage, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def draft_stage_new(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _editable_draft(request.user, draft_id)
    form = NewStageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_stage(by=request.user, draft=draft, stage=form.stage())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect(f"{draft_url(draft)}#stage-{form.cleaned_data['key']}")
    return render(
        request, "authoring/stage_form.html", {"draft": draft, "stage": None, "form": form}
    )


@login_required
@require_POST
def draft_stage_delete(request: HttpRequest, draft_id: int, stage_key: str) -> HttpResponse:
    draft = _editable_draft(request.user, draft_id)
    if find_stage(draft.content, stage_key) is None:
        raise Http404("No such stage")
    try:
        services.delete_stage(by=request.user, draft=draft, key=stage_key)
    except ValidationError as exc:
        _refused(request, exc)
    return redirect("authoring_draft", draft_id=draft.pk)


@login_required
@require_POST
def draft_item_move(request: HttpRequest, draft_id: int, item_key: str) -> HttpResponse:
    draft = _editable_draft(request.user, draft_id)
    if find_item(draft.content, item_key)[1] is None:
        raise Http404("No such item")
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.move_item_by(by=request.user, draft=draft, key=item_key, offset=offset)
    except ValidationError as exc:
        _refused(request, exc)
    return redirect(f"{draft_url(draft)}#item-{item_key}")


def draft_url(draft: PathwayDraft) -> str:
    return reverse("authoring_draft", kwargs={"draft_id": draft.pk})


@login_required
@require_http_methods(["GET", "POST"])
def draft_item(request: HttpRequest, draft_id: int, item_key: str) -> HttpResponse:
    draft = _editable_draft(request.user, draft_id)
    stage, item = find_item(draft.content, item_key)
    if item is None:
        raise Http404("No such item")
    form = ItemForm(request.POST or None, initial=ItemForm.initial_from(item))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_item(by=request.user, draft=draft, key=item_key, item=form.item())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect(f"{draft_url(draft)}#item-{item_key}")
    problems = content_problems(draft.content, slug=draft.slug, version=draft.version)
    context = {
        "draft": draft,
        "stage": stage,
        "item": item,
        "form": form,
        "item_problems": problems_by_key(problems).get(item_key, []),
    }
    return render(request, "authoring/item_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def draft_item_new(request: HttpRequest, draft_id: int, stage_key: str) -> HttpResponse:
    draft = _editable_draft(request.user, draft_id)
    stage = find_stage(draft.content, stage_key)
    if stage is None:
        raise Http404("No such stage")
    form = ItemForm(request.POST or None, new=True, initial={"key": f"{stage_key}."})
    if request.method == "POST" and form.is_valid():
        try:
            services.add_item(by=request.user, draft=draft, stage_key=stage_key, item=form.item())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect(f"{draft_url(draft)}#item-{form.cleaned_data['key']}")
    context = {"draft": draft, "stage": stage, "item": None, "form": form}
    return render(request, "authoring/item_form.html", context)


@login_required
@require_POST
def draft_item_delete(request: HttpRequest, draft_id: int, item_key: str) -> HttpResponse:
    draft = _editable_draft(request.user, draft_id)
    if find_item(draft.content, item_key)[1] is None:
        raise Http404("No such item")
    try:
        services.delete_item(by=request.user, draft=draft, key=item_key)
    except ValidationError as exc:
        _refused(request, exc)
    return redirect("authoring_draft", draft_id=draft.pk)


@login_required
@require_GET
def draft_preview(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _editable_draft(request.user, draft_id)
    try:
        guideline = render_draft_guideline(draft)
    except PathwayFileError as exc:
        _refused(request, ValidationError([p.message for p in exc.problems]))
        return redirect("authoring_draft", draft_id=draft.pk)
    return render(request, "authoring/preview.html", {"draft": draft, "guideline": guideline})


def _yaml_response(content: dict, slug: str, version: int) -> HttpResponse:
    response = HttpResponse(
        dump_yaml(content, slug=slug, version=version), content_type="application/yaml"
    )
    response["Content-Disposition"] = f'attachment; filename="{file_name(slug, version)}"'
    return response


@login_required
@require_GET
def draft_export(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _editable_draft(request.user, draft_id)
    return _yaml_response(draft.content, draft.slug, draft.version)


@login_required
@require_GET
def version_export(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    """A published version as its pathway file (published guidelines are public anyway)."""
    pathway = _published(slug, version)
    return _yaml_response(pathway_content(pathway), slug, version)


@login_required
@require_POST
def draft_import(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _editable_draft(request.user, draft_id)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > services.MAX_IMPORT_BYTES:
                raise ValidationError(_(services.TOO_BIG))
            services.import_yaml(by=request.user, draft=draft, raw=upload.read())
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The file was imported into the draft."))
    else:
        messages.error(request, _("Choose a file to import."))
    return redirect("authoring_draft", draft_id=draft.pk)


def _draft_action(request: HttpRequest, draft_id: int, action, success: str) -> HttpResponse:
    draft = _editable_draft(request.user, draft_id)
    try:
        action(draft)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, success)
    return redirect("authoring_draft", draft_id=draft.pk)


@login_required
@require_POST
def draft_request(request: HttpRequest, draft_id: int) -> HttpResponse:
    return _draft_action(
        request,
        draft_id,
        lambda d: services.request_approval(by=request.user, draft=d),
        _("Approval was requested. Another content editor must approve."),
    )


@login_required
@require_POST
def draft_return(request: HttpRequest, draft_id: int) -> HttpResponse:
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return _draft_action(
        request,
        draft_id,
        lambda d: services.return_for_editing(by=request.user, draft=d, note=note),
        _("The draft was returned for editing."),
    )


@login_required
@require_POST
def draft_publish(request: HttpRequest, draft_id: int) -> HttpResponse:
    return _draft_action(
        request,
        draft_id,
        lambda d: services.approve_and_publish(by=request.user, draft=d),
        _("The new version was published. New projects start on it."),
    )


@login_required
@require_POST
def draft_discard(request: HttpRequest, draft_id: int) -> HttpResponse:
    return _draft_action(
        request,
        draft_id,
        lambda d: services.discard(by=request.user, draft=d),
        _("The draft was discarded."),
    )


@login_required
@require_POST
def draft_conflict(request: HttpRequest, draft_id: int, index: int) -> HttpResponse:
    take_theirs = request.POST.get("take") == "theirs"
    return _draft_action(
        request,
        draft_id,
        lambda d: services.decide_conflict(
            by=request.user, draft=d, index=index, take_theirs=take_theirs
        ),
        _("The conflict was decided."),
    )


@login_required
@require_POST
def version_share(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    pathway = _published(slug, version)
    require_editor(request.user, pathway.organisation)
    shared = request.POST.get("shared") == "1"
    services.set_shared(by=request.user, pathway=pathway, shared=shared)
    messages.success(
        request,
        _("Other organisations may now adopt this version.")
        if shared
        else _("The version is no longer shared."),
    )
    return redirect("authoring_index")


@login_required
@require_http_methods(["GET", "POST"])
def version_adopt(request: HttpRequest, slug: str, version: int) -> HttpResponse:
    pathway = _published(slug, version)
    organisations = editable_organisations(request.user)
    if not services.adoptable(pathway) or not organisations.exists():
        raise PermissionDenied
    form = AdoptForm(
        request.POST or None,
        organisations=organisations.exclude(pk=pathway.organisation_id),
        initial={"slug": f"{slug}-"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.adopt(by=request.user, pathway=pathway, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("authoring_draft", draft_id=draft.pk)
    return render(request, "authoring/adopt_form.html", {"pathway": pathway, "form": form})


@login_required
@require_GET
def origin_update(request: HttpRequest, slug: str) -> HttpResponse:
    """A newer version from the origin of an adopted copy, and what it changes."""
    latest = Pathway.latest(slug)
    if latest is None:
        raise Http404("No such pathway")
    require_editor(request.user, latest.organisation)
    newer = services.newer_origin(latest)
    base = services.adopted_base(latest) if newer else None
    if newer is None or base is None:
        raise Http404("Nothing newer")
    context = {
        "pathway": latest,
        "newer": newer,
        "base": base,
        "diff": diff_content(pathway_content(base), pathway_content(newer)),
    }
    return render(request, "authoring/origin_update.html", context)


@login_required
@require_POST
def start_merge(request: HttpRequest, slug: str) -> HttpResponse:
    latest = Pathway.latest(slug)
    if latest is None:
        raise Http404("No such pathway")
    require_editor(request.user, latest.organisation)
    try:
        draft = services.start_merge(by=request.user, pathway=latest)
    except ValidationError as exc:
        _refused(request, exc)
        return redirect("authoring_index")
    return redirect("authoring_draft", draft_id=draft.pk)
