from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    name = "market"
    verbose_name = _("Market dialogue and offers")

    def ready(self) -> None:
        # Lazy import: these modules read the models, which exist only once the apps are loaded.
        from checklists.extensions import register_tool
        from procurement.demo_data import register_demo_extension

        from .demo import add_demo_data
        from .tool import DialogueTool, EvaluationTool

        register_tool(DialogueTool())
        register_tool(EvaluationTool())
        register_demo_extension(add_demo_data)
