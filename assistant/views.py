"""The question box: ask (htmx partial or a whole page), rate an answer, and the log for content
owners. Asking is a POST with CSRF because it writes the log."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from procurement.permissions import get_visible_project

from .answering import QuestionError, answer_question
from .forms import QuestionForm, RatingForm
from .models import QuestionLog
from .permissions import can_read_question_log
from .selectors import questions_to_improve
from .services import log_question, rate_answer
from .throttle import allow_question, retry_after

RATING_SALT = "assistant.rating"
RATING_MAX_AGE = 24 * 3600  # an answer can be rated for a day


@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest) -> HttpResponse:
    """GET shows the empty question page; POST answers the question, unless the person has
    asked too many in the last minute (429, nothing answered or logged)."""
    form = QuestionForm(request.POST if request.method == "POST" else None)
    context = {"form": form, "answer": None}
    if request.method == "POST" and not allow_question(request):
        return _throttled(request, context)
    if request.method == "POST" and form.is_valid():
        project = None
        if form.cleaned_data["project"]:
            if not request.user.is_authenticated:
                raise Http404("No such project")
            project = get_visible_project(request.user, form.cleaned_data["project"])
        language = (get_language() or "da")[:2]
        try:
            answer = answer_question(
                form.cleaned_data["q"], language=language, project=project, user=request.user
            )
        except QuestionError:
            raise Http404("No such question") from None
        entry = log_question(answer=answer, page=form.cleaned_data["page"], project=project)
        context.update(
            answer=answer,
            project=project,
            rating_token=signing.dumps(entry.pk, salt=RATING_SALT),
        )
    status = 422 if request.method == "POST" and not form.is_valid() else 200
    if request.htmx:
        return render(request, "assistant/partials/_answer.html", context, status=status)
    context["can_read_log"] = can_read_question_log(request.user)
    return render(request, "assistant/ask.html", context, status=status)


def _throttled(request: HttpRequest, context: dict) -> HttpResponse:
    context = {**context, "form": QuestionForm(), "throttled": True}
    template = "assistant/partials/_answer.html" if request.htmx else "assistant/ask.html"
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(retry_after())
    return response


@require_POST
def rate(request: HttpRequest, token: str) -> HttpResponse:
    try:
        pk = signing.loads(token, salt=RATING_SALT, max_age=RATING_MAX_AGE)
    except signing.BadSignature:
        raise Http404("No such answer") from None
    entry = get_object_or_404(QuestionLog, pk=pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return render(request, "assistant/partials/_rated.html", {"error": True}, status=422)
    rate_answer(entry=entry, helpful=form.cleaned_data["helpful"] == "yes")
    return render(request, "assistant/partials/_rated.html", {"entry": entry})


@require_GET
def question_log(request: HttpRequest) -> HttpResponse:
    if not can_read_question_log(request.user):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    context = {
        "rows": questions_to_improve(),
        "retention_days": settings.ASSISTANT_LOG_RETENTION_DAYS,
    }
    return render(request, "assistant/question_log.html", context)
