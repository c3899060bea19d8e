"""The login page: the local username and password, and a button per identity provider."""

from allauth.account.views import LoginView as AllauthLoginView
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from django.http import HttpRequest
from django.views.generic import RedirectView


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
