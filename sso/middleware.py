"""Two-factor authentication is required of administrators and content editors."""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .mfa import must_set_up_totp

# Reachable before the authenticator app is set up: setting it up (and the reauthentication it
# may ask for), logging out, choosing the language, static files and the probes.
ALLOWED_URL_NAMES = (
    "mfa_activate_totp",
    "mfa_index",
    "mfa_view_recovery_codes",
    "account_reauthenticate",
    "logout",
    "account_logout",
    "set_language",
    "healthz",
    "readyz",
    "metrics",
)
NOTICE_SHOWN = "sso_two_factor_notice_shown"
MUST_SET_UP = gettext_noop(
    "Administrators and content editors must use two-factor authentication. Set up an "
    "authenticator app to continue."
)


class RequireTwoFactorMiddleware:
    """Sends a person who must use two-factor authentication (sso.mfa.must_set_up_totp) and has
    no authenticator app to its activation page from every other page, the admin included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self._allowed: set[str] | None = None

    def allowed_paths(self) -> set[str]:
        if self._allowed is None:
            self._allowed = {reverse(name) for name in ALLOWED_URL_NAMES}
        return self._allowed

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and not request.path.startswith(settings.STATIC_URL)
            and request.path not in self.allowed_paths()
            and must_set_up_totp(request.user)
        ):
            if not request.session.get(NOTICE_SHOWN):
                request.session[NOTICE_SHOWN] = True
                messages.warning(request, _(MUST_SET_UP))
            return redirect("mfa_activate_totp")
        return self.get_response(request)
