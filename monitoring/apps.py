from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = _("Monitoring in operation")

    def ready(self) -> None:
        # Lazy import: these modules read the models, which exist only once the apps are loaded.
        from checklists.extensions import register_tool
        from procurement.dashboard import register_row_extension
        from procurement.demo_data import register_demo_extension

        from .dashboard import annotate_dashboard
        from .demo import add_demo_data
        from .tool import MonitoringTool

        register_tool(MonitoringTool())
        register_row_extension(annotate_dashboard)
        register_demo_extension(add_demo_data)
