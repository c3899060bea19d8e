from django.urls import path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

app_name = "api"


class TransitionConverter:
    """The five transitions a person takes (the schema lists them as an enum)."""

    regex = "approve|return_to|stop|reopen|retire"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class IdConverter:
    """A row id: at most 18 digits, so no number the database cannot hold reaches a query."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(TransitionConverter, "transition")
register_converter(IdConverter, "id")

project = "projects/<id:project_id>/"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view loads its script from a file: the CSP forbids inline scripts.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("projects/", views.ProjectList.as_view(), name="projects"),
    path(project, views.ProjectDetail.as_view(), name="project"),
    path(project + "stages/<slug:stage_key>/items/", views.StageItems.as_view(), name="items"),
    path(project + "items/<str:item_key>/answer/", views.ItemAnswer.as_view(), name="answer"),
    path(project + "items/<str:item_key>/signoff/", views.ItemSignOff.as_view(), name="signoff"),
    path(project + "request-approval/", views.ApprovalRequest.as_view(), name="request_approval"),
    path(
        project + "transitions/<transition:action>/",
        views.Transition.as_view(),
        name="transition",
    ),
    path(project + "history/", views.History.as_view(), name="history"),
    path(project + "dossiers/", views.DossierVersions.as_view(), name="dossiers"),
    path(
        project + "dossiers/<id:version_id>/download/",
        views.DossierDownload.as_view(),
        name="dossier_download",
    ),
    path(project + "requirements.docx", views.RequirementsDocx.as_view(), name="requirements"),
    path(
        project + "validation/<slug:stage_key>/uploads/",
        views.ValidationUploads.as_view(),
        name="validation_uploads",
    ),
    path(project + "monitoring/periods/", views.MonitoringPush.as_view(), name="monitoring_push"),
    path("ask/", views.Ask.as_view(), name="ask"),
    # Anything else under the API is a problem too, not the web's HTML page.
    re_path(r"", views.NoSuchEndpoint.as_view(), name="no_such_endpoint"),
]
