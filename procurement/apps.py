from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Projects")

    def ready(self) -> None:
        post_migrate.connect(fill_missing_progress, sender=self)


def fill_missing_progress(using, **kwargs) -> None:
    """After `migrate`, the stored progress of every project that has none (the projects that
    existed before the progress was stored, or were written around the journal), once every
    migration is applied: the progress is derived by the gate's code, which reads today's
    models, so it is not made by a migration against a schema of the past."""
    # Lazy import: the executor and the progress read the models, loaded only after ready().
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    from .models import Project
    from .progress import rebuild_progress

    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return  # migrated to an earlier state: today's models do not fit its tables
    rebuild_progress(Project.objects.using(using).filter(progress__isnull=True))
