"""Thin views: fetch through the permission helper (404 for what a person may not see, 403 for
what they may see but not change), validate with a form, call a service, redirect back to the
monitoring page. Problems go to the person as messages."""

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

from dossier.word import DOCX_TYPE
from procurement.forms import error_messages
from procurement.permissions import get_visible_project, require, roles_of, team_people
from procurement.project_page import project_context
from validation.parsing import ParseError

from . import services
from .forms import AssessForm, DecideForm, PeriodForm, PlanForm, UploadForm
from .gate import gate_reasons_for
from .labels import rule_label
from .models import Incident, MonitoringPlan, Via
from .notice import notice_docx
from .parsing import CLASSIFICATION, FORMAT_HELP, FORMATS
from .permissions import can_approve_plan, can_assess, can_contribute, can_decide
from .presentation import figures, incident_rows, metric_rows, permissions
from .selectors import load_state, prefill
from .services import TOOL, MetricSpec


def _project(request: HttpRequest, project_id: int):
    project = get_visible_project(request.user, project_id)
    if project.tool_stage(TOOL) is None:
        raise Http404("No monitoring in this pathway")
    return project


def _back(project, anchor: str = "") -> HttpResponse:
    return redirect(reverse("monitoring:page", args=[project.pk]) + anchor)


def _refused(request, project, errors, anchor: str = "") -> HttpResponse:
    for error in errors:
        messages.error(request, error)
    return _back(project, anchor)


def _members(project):
    return list(team_people(project))


def _source(request, state) -> str:
    if state.plan is not None:
        return state.plan.source
    source = request.GET.get("source") or request.POST.get("source") or CLASSIFICATION
    return source if source in FORMATS else CLASSIFICATION


def _plan_form(project, source, data=None) -> PlanForm:
    unique = {u.pk: u for u in _members(project)}
    return PlanForm(
        data,
        source=source,
        members=list(unique.values()),
        prefill=prefill(project, source),
        auto_id="id_plan_%s",
    )


@login_required
@require_GET
def page(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    state = load_state(project)
    roles = roles_of(project, request.user)
    source = _source(request, state)
    plan_form = _plan_form(project, source)
    if state.plan is not None:
        plan_form.initial.update(
            period=state.plan.period,
            first_period=state.plan.first_period,
            grace_days=state.plan.grace_days,
            target_arl=state.plan.target_arl,
            agreed_actions=state.plan.agreed_actions,
            recipients=[str(pk) for pk in state.plan.recipients.values_list("pk", flat=True)],
        )
        for metric in state.plan.metrics.all():
            plan_form.fields[f"use_{metric.metric}"].initial = True
            plan_form.fields[f"baseline_{metric.metric}"].initial = metric.baseline.normalize()
            if metric.minimum is not None:
                plan_form.fields[f"minimum_{metric.metric}"].initial = metric.minimum.normalize()
    context = project_context(project, request.user, stage=project.tool_stage(TOOL))
    context.update(
        tab="monitoring",
        state=state,
        source=source,
        metric_rows=metric_rows(state),
        figures=figures(state),
        incidents=incident_rows(state),
        plan_form=plan_form,
        period_form=PeriodForm(source=state.plan.source, auto_id="id_data_%s")
        if state.plan
        else None,
        upload_form=UploadForm(auto_id="id_upload_%s"),
        format_help=_(FORMAT_HELP[source]),
        gate_reasons=gate_reasons_for(state),
        **permissions(project, request.user, roles),
    )
    return render(request, "monitoring/page.html", context)


@login_required
@require_POST
def plan_propose(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    require(can_contribute(project, request.user))
    state = load_state(project)
    source = _source(request, state)
    form = _plan_form(project, source, request.POST)
    if not form.is_valid():
        return _refused(request, project, error_messages(form), "#plan")
    data = form.cleaned_data
    specs = [
        MetricSpec(
            key,
            data[f"baseline_{key}"],
            data[f"minimum_{key}"],
            data[f"baseline_reason_{key}"],
        )
        for key in form.metric_keys
        if data[f"use_{key}"]
    ]
    try:
        services.propose_plan(
            project=project,
            by=request.user,
            source=source,
            period=data["period"],
            first_period=data["first_period"],
            agreed_actions=data["agreed_actions"],
            metrics=specs,
            recipients=[int(pk) for pk in data["recipients"]],
            grace_days=data["grace_days"],
            target_arl=data["target_arl"],
            reason=data["reason"],
            prefill=prefill(project, source),
        )
    except ValidationError as exc:
        return _refused(request, project, exc.messages, "#plan")
    messages.success(
        request, _("The plan was saved. An innovation consultant must approve it before it counts.")
    )
    return _back(project, "#plan")


@login_required
@require_POST
def plan_approve(request: HttpRequest, project_id: int, plan_id: int) -> HttpResponse:
    project = _project(request, project_id)
    plan = get_object_or_404(MonitoringPlan, pk=plan_id, project=project)
    require(can_approve_plan(project, request.user, roles_of(project, request.user)))
    try:
        services.approve_plan(plan=plan, by=request.user)
    except ValidationError as exc:
        return _refused(request, project, exc.messages, "#plan")
    messages.success(request, _("The monitoring plan was approved."))
    return _back(project, "#plan")


@login_required
@require_POST
def period_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    require(can_contribute(project, request.user))
    plan = services.current_plan(project)
    if plan is None:
        return _refused(request, project, [_(services.NO_PLAN)])
    form = PeriodForm(request.POST, source=plan.source)
    if not form.is_valid():
        return _refused(request, project, error_messages(form), "#data")
    values = {k: v for k, v in form.cleaned_data.items() if k != "period" and v not in ("", None)}
    try:
        result = services.ingest_period(
            project=project,
            by=request.user,
            period=form.cleaned_data["period"],
            values=values,
            via=Via.FORM,
        )
    except ValidationError as exc:
        return _refused(request, project, exc.messages, "#data")
    _report(request, [result])
    return _back(project, "#data")


@login_required
@require_POST
def upload(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    require(can_contribute(project, request.user))
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(request, project, error_messages(form), "#data")
    file = form.cleaned_data["file"]
    try:
        results = services.upload_periods(
            project=project, by=request.user, data=file.read(), filename=file.name
        )
    except ParseError as exc:
        return _refused(
            request, project, [_("Nothing was imported:")] + list(exc.messages), "#data"
        )
    except ValidationError as exc:
        return _refused(request, project, exc.messages, "#data")
    _report(request, results)
    return _back(project, "#data")


def _report(request, results) -> None:
    changed = sum(1 for r in results if r.changed)
    alarms = {a.pk for r in results for a in r.alarms}
    if changed:
        messages.success(
            request,
            _("%(count)d period(s) saved; unchanged ones were skipped.") % {"count": changed},
        )
    else:
        messages.info(request, _("Nothing changed: the same figures were already saved."))
    if alarms:
        messages.warning(
            request,
            _("%(count)d new alarm(s): an incident must be assessed and decided.")
            % {"count": len(alarms)},
        )


def _incident(request, project_id, incident_id):
    project = _project(request, project_id)
    return project, get_object_or_404(Incident, pk=incident_id, project=project)


@login_required
@require_GET
def incident(request: HttpRequest, project_id: int, incident_id: int) -> HttpResponse:
    project, item = _incident(request, project_id, incident_id)
    roles = roles_of(project, request.user)
    state = load_state(project)
    context = project_context(project, request.user, stage=project.tool_stage(TOOL))
    rights = permissions(project, request.user, roles)
    context.update(
        tab="monitoring",
        incident=item,
        alarms=[
            {"alarm": alarm, "rules": [rule_label(rule) for rule in alarm.rules]}
            for alarm in item.alarms.all()
        ],
        row=next(r for r in incident_rows(state) if r["incident"].pk == item.pk),
        figures=[f for f in figures(state) if f.id == f"monitoring-{item.metric}"],
        assess_form=AssessForm(initial={"assessment": item.assessment, "serious": item.serious}),
        decide_form=DecideForm(),
        can_assess_now=item.is_open and rights["can_assess"],
        can_decide_now=item.is_open
        and rights["can_decide"]
        and item.assessed_by_id is not None
        and item.assessed_by_id != request.user.pk,
        plan=state.plan,
        **rights,
    )
    return render(request, "monitoring/incident.html", context)


@login_required
@require_POST
def assess(request: HttpRequest, project_id: int, incident_id: int) -> HttpResponse:
    project, item = _incident(request, project_id, incident_id)
    require(can_assess(project, request.user, roles_of(project, request.user)))
    back = reverse("monitoring:incident", args=[project.pk, item.pk])
    form = AssessForm(request.POST)
    if not form.is_valid():
        for error in error_messages(form):
            messages.error(request, error)
        return redirect(back)
    try:
        services.assess_incident(incident=item, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect(back)
    messages.success(request, _("The assessment was saved."))
    return redirect(back)


@login_required
@require_POST
def decide(request: HttpRequest, project_id: int, incident_id: int) -> HttpResponse:
    project, item = _incident(request, project_id, incident_id)
    require(can_decide(project, request.user, roles_of(project, request.user)))
    back = reverse("monitoring:incident", args=[project.pk, item.pk])
    form = DecideForm(request.POST)
    if not form.is_valid():
        for error in error_messages(form):
            messages.error(request, error)
        return redirect(back)
    try:
        services.decide_incident(incident=item, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect(back)
    messages.success(request, _("The decision was recorded."))
    return redirect(back)


@login_required
@require_GET
def notice(request: HttpRequest, project_id: int, incident_id: int) -> HttpResponse:
    """The Art. 26(5) notice to the provider as a Word draft, for every member."""
    project, item = _incident(request, project_id, incident_id)
    content = notice_docx(project, item, state=load_state(project), at=timezone.now())
    name = f"meddelelse-art26-{slugify(project.title)[:50] or project.pk}-{item.pk}.docx"
    response = HttpResponse(content, content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
