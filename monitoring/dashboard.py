"""The dashboard's row extension: open monitoring incidents, as a badge on the project and as the
"what now" of the person whose turn it is. One query."""

from django.urls import reverse
from django.utils.translation import ngettext

from procurement.gates import NEXT_URGENT, NextStep

from .gate import incident_reason
from .models import Incident


def annotate_dashboard(user, rows) -> None:
    by_project: dict[int, list[Incident]] = {}
    for incident in Incident.objects.filter(
        project_id__in=[row.project.pk for row in rows], decided_by__isnull=True
    ).order_by("opened_at", "pk"):
        by_project.setdefault(incident.project_id, []).append(incident)
    for row in rows:
        incidents = by_project.get(row.project.pk)
        if not incidents:
            continue
        link = reverse("monitoring:incident", args=[row.project.pk, incidents[0].pk])
        text = ngettext("%(count)d open incident", "%(count)d open incidents", len(incidents)) % {
            "count": len(incidents)
        }
        row.badges.append((text, "danger", link))
        if not row.project.is_active:
            continue
        roles = row.status.roles_of(user)
        for incident in incidents:
            reason = incident_reason(incident)
            if reason.role in roles:
                row.next_step = NextStep(NEXT_URGENT, reason.message)
                break
