from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:project_id>/", views.project_detail, name="project_detail"),
    path(
        "projects/<int:project_id>/stages/<slug:stage_key>/",
        views.project_detail,
        name="project_stage",
    ),
    path("projects/<int:project_id>/team/", views.team, name="project_team"),
    path("projects/<int:project_id>/team/add/", views.member_add, name="member_add"),
    path(
        "projects/<int:project_id>/team/<int:membership_id>/remove/",
        views.member_remove,
        name="member_remove",
    ),
    path("projects/<int:project_id>/history/", views.history, name="project_history"),
    path(
        "projects/<int:project_id>/items/<int:item_id>/answer/",
        views.answer_save,
        name="answer_save",
    ),
    path(
        "projects/<int:project_id>/items/<int:item_id>/signoff/",
        views.signoff_create,
        name="signoff_create",
    ),
    path(
        "projects/<int:project_id>/evidence/<int:evidence_id>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path(
        "projects/<int:project_id>/request-approval/",
        views.approval_request,
        name="approval_request",
    ),
    path(
        "projects/<int:project_id>/transition/<slug:action>/",
        views.transition,
        name="project_transition",
    ),
]

urlpatterns += [
    path("projects/<int:project_id>/upgrade/", views.upgrade, name="project_upgrade"),
    path("projects/<int:project_id>/continue/", views.continuation, name="project_continue"),
]
