from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from procurement.journal import register_listener

        from .routing import on_journal_entry

        register_listener(on_journal_entry)
