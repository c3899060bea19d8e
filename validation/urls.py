from django.urls import path

from . import views

app_name = "validation"

PREFIX = "projects/<int:project_id>/validation/<slug:stage_key>/"

urlpatterns = [
    path(PREFIX + "sites/", views.site_add, name="site_add"),
    path(PREFIX + "waves/", views.wave_save, name="wave_save"),
    path(PREFIX + "criteria/", views.criterion_add, name="criterion_add"),
    path(
        PREFIX + "criteria/<int:criterion_id>/change/",
        views.criterion_change,
        name="criterion_change",
    ),
    path(
        PREFIX + "criteria/<int:criterion_id>/withdraw/",
        views.criterion_withdraw,
        name="criterion_withdraw",
    ),
    path(PREFIX + "uploads/", views.upload, name="upload"),
    path(PREFIX + "override/", views.override_record, name="override"),
    path(
        PREFIX + "override/<int:override_id>/sign-off/",
        views.override_sign_off,
        name="override_sign_off",
    ),
    path(
        "validation/templates/<slug:kind>.<slug:file_format>",
        views.upload_template,
        name="upload_template",
    ),
    path(
        "projects/<int:project_id>/validation-files/<int:upload_id>/",
        views.upload_download,
        name="upload_download",
    ),
]
