"""django-allauth adapters: who may sign in how.

Local accounts are made by administrators, so nobody signs up with a password. A first sign-in
with an identity provider creates the person in the organisation the provider is mapped to
(sso.selectors.organisation_for_login) or is refused with a page saying why; later sign-ins
find the person by the provider's subject identifier (allauth's SocialAccount uid), never by
e-mail: a local account with the same address is neither signed in nor changed.

Password attempts are counted by django-axes (its backend comes first in
AUTHENTICATION_BACKENDS and locks per account and per address); allauth's own per-login count
would lock people out a second time with another message and a cache of its own, so it is
switched off here. allauth still limits the second factor's code attempts.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.http import HttpRequest
from django.shortcuts import render

from accounts.models import Organisation

from .selectors import organisation_for_login

QUIET_MESSAGES = {"account/messages/logged_in.txt", "account/messages/logged_out.txt"}


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials) -> None:
        # django-axes throttles passwords (see the module docstring).
        return None

    def _rollback_login_failed_rl_usage(self) -> None:
        # Nothing was counted by pre_authenticate, so there is nothing to give back.
        return None

    def add_message(self, request, level, message_template=None, *args, **kwargs) -> None:
        # Signing in and out shows the page one lands on, as before allauth; no banner.
        if message_template in QUIET_MESSAGES:
            return
        super().add_message(request, level, message_template, *args, **kwargs)


def login_claims(sociallogin: SocialLogin) -> dict:
    """The ID token's claims with the user info's on top (allauth keeps both)."""
    extra = sociallogin.account.extra_data or {}
    return {**(extra.get("id_token") or {}), **(extra.get("userinfo") or {})}


def mapped_organisation(sociallogin: SocialLogin) -> Organisation | None:
    return organisation_for_login(
        provider_id=sociallogin.account.provider, claims=login_claims(sociallogin)
    )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        """An identity provider whose settings say `"enabled": false` is switched off: no
        button, and its login and callback URLs answer 404."""
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        return [app for app in apps if app.settings.get("enabled", True) is not False]

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        if sociallogin.is_existing:
            return
        if mapped_organisation(sociallogin) is None:
            provider = sociallogin.account.get_provider(request)
            context = {"provider_name": provider.name}
            raise ImmediateHttpResponse(render(request, "sso/refused.html", context, status=403))

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return mapped_organisation(sociallogin) is not None

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # Never the sign-up form: the provider's claims are all there is to a new person.
        return True

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.organisation = mapped_organisation(sociallogin)
        return user
