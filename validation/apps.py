from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ValidationConfig(AppConfig):
    name = "validation"
    verbose_name = _("Validation")

    def ready(self) -> None:
        # Lazy import: these modules read the models, which exist only once the apps are loaded.
        from checklists.extensions import register_tool
        from procurement.demo_data import register_demo_extension

        from .demo import add_demo_data
        from .tool import ValidationTool

        register_tool(ValidationTool())
        register_demo_extension(add_demo_data)
