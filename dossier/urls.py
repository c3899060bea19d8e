from django.urls import path

from . import views

app_name = "dossier"

urlpatterns = [
    path("projects/<int:project_id>/dossier/", views.dossier_page, name="page"),
    path("projects/<int:project_id>/dossier/status/", views.dossier_status, name="status"),
    path("projects/<int:project_id>/dossier/generate/", views.dossier_generate, name="generate"),
    path(
        "projects/<int:project_id>/dossier/<int:version_id>/download/",
        views.dossier_download,
        name="download",
    ),
    path(
        "projects/<int:project_id>/requirements.docx",
        views.requirements_download,
        name="requirements_docx",
    ),
    path(
        "projects/<int:project_id>/requirements/add/",
        views.requirement_add,
        name="requirement_add",
    ),
    path(
        "projects/<int:project_id>/requirements/<int:requirement_id>/",
        views.requirement_update,
        name="requirement_update",
    ),
    path(
        "projects/<int:project_id>/requirements/<int:requirement_id>/move/<slug:direction>/",
        views.requirement_move,
        name="requirement_move",
    ),
    path(
        "projects/<int:project_id>/requirements/<int:requirement_id>/delete/",
        views.requirement_delete,
        name="requirement_delete",
    ),
]
