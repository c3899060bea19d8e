from allauth.account import views as allauth_views
from django.contrib import admin
from django.urls import include, path

from observability import views as observability_views
from procurement import views as procurement_views
from sso import views as sso_views

urlpatterns = [
    path("accounts/login/", sso_views.login, name="login"),
    path("accounts/logout/", allauth_views.logout, name="logout"),
    # allauth: single sign-on (accounts/oidc/<provider>/login/ and .../callback/), two-factor
    # authentication (accounts/2fa/), reauthentication. Signing up is closed (sso.adapters);
    # passwords are not set or reset by e-mail (sso.views.PasswordByAdministrator).
    path(
        "accounts/password/reset/",
        sso_views.password_by_administrator,
        name="account_reset_password",
    ),
    path(
        "accounts/password/set/",
        sso_views.password_by_administrator,
        name="account_set_password",
    ),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", procurement_views.healthz, name="healthz"),
    path("readyz", procurement_views.readyz, name="readyz"),
    path("metrics", observability_views.metrics, name="metrics"),
    path("admin/login/", sso_views.admin_login),
    path("admin/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("", include("api.web_urls")),
    path("guide/", include("checklists.urls")),
    path("authoring/", include("authoring.urls")),
    path("ask/", include("assistant.urls")),
    path("", include("decisions.urls")),
    path("", include("dossier.urls")),
    path("", include("validation.urls")),
    path("", include("monitoring.urls")),
    path("", include("market.urls")),
    path("", include("notifications.urls")),
    path("", include("procurement.urls")),
]
