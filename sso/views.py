"""The login page: the local username and password, and a button per identity provider."""

from allauth.account.views import LoginView as AllauthLoginView
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from django.http import HttpRequest
from django.views.generic import RedirectView, TemplateView


def identity_providers(request: HttpRequest) -> list[dict]:
    """The enabled OpenID Connect providers, by name, with the URL that starts a sign-in."""
    providers = get_social_adapter().list_providers(request)
    return sorted(
        (
            {"name": provider.name, "login_url": provider.get_login_url(request)}
            for provider in providers
            if provider.id == "openid_connect"
        ),
        key=lambda entry: entry["name"],
    )


class LoginView(AllauthLoginView):
    template_name = "registration/login.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["identity_providers"] = identity_providers(self.request)
        return context


login = LoginView.as_view()


class AdminLoginRedirect(RedirectView):
    """The admin's own login form knows nothing of the second factor: it sends people to ours,
    keeping where they were going."""

    pattern_name = "login"
    query_string = True


admin_login = AdminLoginRedirect.as_view()


class PasswordByAdministrator(TemplateView):
    """Passwords are not set or reset by e-mail here: local accounts are an administrator's to
    make, and a person who signs in with an identity provider must not give themselves a local
    password (it would let them in without the provider, e.g. after leaving the region)."""

    template_name = "sso/password_by_administrator.html"

    def post(self, request: HttpRequest, *args, **kwargs):
        return self.get(request, *args, **kwargs)


password_by_administrator = PasswordByAdministrator.as_view()
