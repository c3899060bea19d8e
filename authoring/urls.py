from django.urls import path

from . import views

urlpatterns = [
    path("", views.index, name="authoring_index"),
    path("drafts/<int:draft_id>/", views.draft_detail, name="authoring_draft"),
    path("drafts/<int:draft_id>/new-stage/", views.draft_stage_new, name="authoring_stage_new"),
    path(
        "drafts/<int:draft_id>/stages/<slug:stage_key>/delete/",
        views.draft_stage_delete,
        name="authoring_stage_delete",
    ),
    path(
        "drafts/<int:draft_id>/items/<str:item_key>/move/",
        views.draft_item_move,
        name="authoring_item_move",
    ),
    path(
        "drafts/<int:draft_id>/stages/<slug:stage_key>/",
        views.draft_stage,
        name="authoring_stage",
    ),
    path(
        "drafts/<int:draft_id>/stages/<slug:stage_key>/new-item/",
        views.draft_item_new,
        name="authoring_item_new",
    ),
    path("drafts/<int:draft_id>/items/<str:item_key>/", views.draft_item, name="authoring_item"),
    path(
        "drafts/<int:draft_id>/items/<str:item_key>/delete/",
        views.draft_item_delete,
        name="authoring_item_delete",
    ),
    path("drafts/<int:draft_id>/preview/", views.draft_preview, name="authoring_preview"),
    path("drafts/<int:draft_id>/export/", views.draft_export, name="authoring_draft_export"),
    path("drafts/<int:draft_id>/import/", views.draft_import, name="authoring_import"),
    path("drafts/<int:draft_id>/request/", views.draft_request, name="authoring_request"),
    path("drafts/<int:draft_id>/return/", views.draft_return, name="authoring_return"),
    path("drafts/<int:draft_id>/publish/", views.draft_publish, name="authoring_publish"),
    path(
        "drafts/<int:draft_id>/conflicts/<int:index>/",
        views.draft_conflict,
        name="authoring_conflict",
    ),
    path("drafts/<int:draft_id>/discard/", views.draft_discard, name="authoring_discard"),
    path("pathways/<slug:slug>/v<int:version>/edit/", views.start_draft, name="authoring_edit"),
    path(
        "pathways/<slug:slug>/v<int:version>/export/",
        views.version_export,
        name="authoring_version_export",
    ),
    path(
        "pathways/<slug:slug>/v<int:version>/share/",
        views.version_share,
        name="authoring_share",
    ),
    path(
        "pathways/<slug:slug>/v<int:version>/adopt/",
        views.version_adopt,
        name="authoring_adopt",
    ),
    path("pathways/<slug:slug>/update/", views.origin_update, name="authoring_origin_update"),
    path("pathways/<slug:slug>/merge/", views.start_merge, name="authoring_merge"),
]
