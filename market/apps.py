from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    name = "market"
    verbose_name = _("Market dialogue and offers")

    def ready(self) -> None:
        from checklists.extensions import register_tool

        from .tool import DialogueTool, EvaluationTool

        register_tool(DialogueTool())
        register_tool(EvaluationTool())
