from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossierConfig(AppConfig):
    name = "dossier"
    verbose_name = _("Dossier")

    def ready(self) -> None:
        # Lazy import: these modules read the models, which exist only once the apps are loaded.
        from checklists.extensions import register_tool
        from procurement.demo_data import register_demo_extension

        from . import services, tasks
        from .demo import add_demo_requirements
        from .tool import RequirementsListTool

        register_tool(RequirementsListTool())
        register_demo_extension(add_demo_requirements)
        services.JOB.generate_dossier = tasks.generate_dossier
