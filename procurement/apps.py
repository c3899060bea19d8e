from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Projects")

    def ready(self) -> None:
        # Lazy import: the gate reads the models, which exist only once the apps are loaded.
        from . import gates, models

        models.GATE.blocking_reasons = gates.blocking_reasons
        models.GATE.load_stage_status = gates.load_stage_status
