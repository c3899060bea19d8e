from django.urls import path

from . import views

app_name = "decisions"

urlpatterns = [
    path(
        "projects/<int:project_id>/decisions/business-case/",
        views.business_case_save,
        name="business_case_save",
    ),
    path(
        "projects/<int:project_id>/decisions/<slug:tool_name>/",
        views.tool_panel,
        name="tool_panel",
    ),
]
