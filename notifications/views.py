"""The bell's list, read marks and preferences: each person sees only their own."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import calendar, services
from .forms import PreferencesForm
from .mail import absolute
from .models import CalendarFeed, Notification
from .wording import describe

PAGE_SIZE = 30


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(recipient=request.user).select_related("project")
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(notification, describe(notification)) for notification in page]
    return render(request, "notifications/list.html", {"page": page, "rows": rows})


@login_required
@require_POST
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read and go where it leads."""
    notification = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    services.mark_read(user=request.user, notification_ids=[notification.pk])
    if not url_has_allowed_host_and_scheme(notification.link, allowed_hosts=None):
        return redirect("notification_list")
    return redirect(notification.link)


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    services.mark_read(user=request.user, notification_ids=[notification.pk])
    return redirect("notification_list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notification_list")


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(
        request.POST or None,
        current=services.current_channels(request.user),
        language=request.user.language,
    )
    if request.method == "POST" and form.is_valid():
        services.save_preferences(
            user=request.user, channels=form.channels(), language=form.cleaned_data["language"]
        )
        messages.success(request, _("Your choices were saved."))
        return redirect("notification_preferences")
    feed = calendar.feed_for(request.user)
    calendar_url = absolute(reverse("calendar_feed", args=[feed.token]))
    return render(
        request, "notifications/preferences.html", {"form": form, "calendar_url": calendar_url}
    )


@login_required
@require_POST
def calendar_regenerate(request: HttpRequest) -> HttpResponse:
    calendar.regenerate(request.user)
    messages.success(request, _("Your calendar has a new address. The old one no longer works."))
    return redirect(reverse("notification_preferences") + "#calendar")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The person's deadlines as ICS; the secret token is the only key (no login)."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        raise Http404("No such calendar")
    response = HttpResponse(
        calendar.calendar_for(feed.user), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
