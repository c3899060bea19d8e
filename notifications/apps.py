from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Lazy import: these modules read the models, which exist only once the apps are loaded.
        from procurement.dashboard import register_row_extension
        from procurement.gates import register_deadline_source
        from procurement.journal import register_listener

        from .deadlines import annotate_dashboard, open_deadlines
        from .routing import on_journal_entry

        register_listener(on_journal_entry)
        register_row_extension(annotate_dashboard)
        register_deadline_source(open_deadlines)
