from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = _("Decision helpers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Register the rules and stage tools pathway files may name, and the demo business
        cases."""
        # Lazy import: these modules read the models, which exist only once the apps are loaded.
        from checklists.extensions import register_rule, register_tool
        from procurement.demo_data import DEMO_EXTENSIONS, register_demo_extension

        from .demo import add_demo_business_case
        from .journey import RULES
        from .tool import TOOLS

        for name, rule in RULES.items():
            register_rule(name)(rule)
        for tool in TOOLS:
            register_tool(tool)
        if add_demo_business_case not in DEMO_EXTENSIONS:
            register_demo_extension(add_demo_business_case)
