"""Background jobs (django-tasks; the database backend's `manage.py db_worker` runs them)."""

from django_tasks import task

from .services import run_dossier_request


@task()
def generate_dossier(request_id: int) -> int | None:
    """Render and store the dossier version a request asked for; returns the version's id.
    A failure is recorded on the request (the page shows it) and raised, so the task's own
    result says FAILED too."""
    version = run_dossier_request(request_id)
    return version.pk if version else None
