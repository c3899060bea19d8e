from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from observability import views as observability_views
from procurement import views as procurement_views

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", procurement_views.healthz, name="healthz"),
    path("readyz", procurement_views.readyz, name="readyz"),
    path("metrics", observability_views.metrics, name="metrics"),
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
