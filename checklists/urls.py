from django.urls import path

from . import views

urlpatterns = [
    path("", views.guide_index, name="guide_index"),
    path("<slug:slug>/", views.guide, name="guide"),
    path("<slug:slug>/v<int:version>/", views.guide, name="guide_version"),
]
