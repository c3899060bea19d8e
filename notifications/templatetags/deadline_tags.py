from django import template

from ..deadlines import open_deadlines

register = template.Library()


@register.inclusion_tag("notifications/partials/_overdue.html")
def project_overdue(project, status=None):
    """The project's overdue deadlines, at the top of its pages (the "what now" of dates). A
    status loaded with its deadlines (`with_deadlines`) is read, not queried again."""
    if status is not None and status.deadlines_loaded:
        return {"project": project, "overdue": [d for d in status.deadlines if d.overdue]}
    statuses = None
    if status is not None and status.stage is not None and status.stage == project.current_stage:
        statuses = {project.pk: status}
    deadlines = open_deadlines([project], statuses=statuses).get(project.pk, [])
    return {"project": project, "overdue": [d for d in deadlines if d.overdue]}
