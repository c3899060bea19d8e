from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        # Lazy import: the schema reads the serializers and models, loaded only once the apps
        # are; its description of the token header registers itself when imported.
        from . import schema  # noqa: F401
