from django.apps import AppConfig


class ObservabilityConfig(AppConfig):
    """Logs, metrics and the request id (see observability/metrics.py and logs.py)."""

    name = "observability"
    verbose_name = "Observability"

    def ready(self):
        from django.contrib.auth.signals import user_login_failed

        from .metrics import count_failed_login

        user_login_failed.connect(count_failed_login, dispatch_uid="observability-failed-login")
