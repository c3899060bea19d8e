from django.urls import path

from . import views

app_name = "monitoring"

PREFIX = "projects/<int:project_id>/monitoring/"

urlpatterns = [
    path(PREFIX, views.page, name="page"),
    path(PREFIX + "plan/", views.plan_propose, name="plan_propose"),
    path(PREFIX + "plan/<int:plan_id>/approve/", views.plan_approve, name="plan_approve"),
    path(PREFIX + "periods/", views.period_add, name="period_add"),
    path(PREFIX + "upload/", views.upload, name="upload"),
    path(PREFIX + "incidents/<int:incident_id>/", views.incident, name="incident"),
    path(PREFIX + "incidents/<int:incident_id>/assess/", views.assess, name="assess"),
    path(PREFIX + "incidents/<int:incident_id>/decide/", views.decide, name="decide"),
    path(PREFIX + "incidents/<int:incident_id>/notice.docx", views.notice, name="notice"),
]
