from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservabilityConfig(AppConfig):
    """Logs, metrics and the request id (see observability/metrics.py and logs.py)."""

    name = "observability"
    verbose_name = _("Observability")

    def ready(self):
        from django.contrib.auth.signals import user_login_failed

        # Lazy import: the metrics read the models, which exist only once the apps are loaded.
        from .metrics import count_failed_login

        user_login_failed.connect(count_failed_login, dispatch_uid="observability-failed-login")
