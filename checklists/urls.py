from django.urls import path

from . import views

urlpatterns = [
    path("", views.guide_index, name="guide_index"),
    # before the pathway pattern: "sources" is not a pathway slug
    path("sources/", views.guide_sources, name="guide_sources"),
    path("<slug:slug>/", views.guide, name="guide"),
    path("<slug:slug>/v<int:version>/", views.guide, name="guide_version"),
]
