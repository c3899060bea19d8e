"""Template helpers for the dossier's print template and the dashboard panel."""

from django import template
from django.db.models import OuterRef, Subquery

from procurement.permissions import visible_projects

from ..models import DossierVersion

register = template.Library()


@register.filter
def css_string(value) -> str:
    """Text to put inside a double-quoted CSS string (our own translated labels, never user
    text; user text reaches the page only through the HTML, escaped)."""
    out = []
    for char in str(value):
        if char in '"\\' or ord(char) < 0x20 or char in "<>":
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return "".join(out)


@register.filter
def short_hash(value: str, length: int = 12) -> str:
    return f"{value[:length]}…" if value and len(value) > length else value or ""


@register.inclusion_tag("dossier/partials/_dashboard_latest.html", takes_context=True)
def latest_dossiers(context, user=None):
    """ "Latest dossiers" for the dashboard: each visible project's newest stored version, in
    two queries however many projects there are. Use: {% load dossier_tags %}{% latest_dossiers %}
    """
    user = user or context["request"].user
    visible = visible_projects(user).order_by("title")
    read = {project.pk: project for project in context.get("projects") or ()}
    if read and user == context["request"].user:
        # The dashboard has read them: only their order (the database's collation) is asked for,
        # of them alone (a region-wide role sees thousands).
        ordered = visible.filter(pk__in=list(read)).values_list("pk", flat=True)
        projects = [read[pk] for pk in ordered]
    else:
        projects = list(visible)
    newest = (
        DossierVersion.objects.filter(project=OuterRef("project"))
        .order_by("-number")
        .values("number")[:1]
    )
    latest = {
        version.project_id: version
        for version in DossierVersion.objects.filter(
            project__in=projects, number=Subquery(newest)
        ).select_related("created_by")
    }
    return {"rows": [(project, latest.get(project.pk)) for project in projects]}
