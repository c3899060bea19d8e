from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Monitoring in operation")

    def ready(self) -> None:
        from checklists.extensions import register_tool

        from .tool import MonitoringTool

        register_tool(MonitoringTool())
