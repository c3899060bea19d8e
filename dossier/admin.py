"""Read-only admin views: stored versions, their jobs and downloads are records, not data to
edit; the requirements list is edited on the stage page, where the rules are enforced."""

from django.contrib import admin

from .models import DossierDownload, DossierRequest, DossierVersion, Requirement


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DossierVersion)
class DossierVersionAdmin(ReadOnlyAdmin):
    list_display = ["project", "number", "created_at", "created_by", "stage_name", "size", "sha256"]
    list_filter = ["project__organisation"]
    search_fields = ["project__title", "sha256"]


@admin.register(DossierRequest)
class DossierRequestAdmin(ReadOnlyAdmin):
    list_display = ["project", "number", "status", "error_code", "attempts", "created_at"]
    list_filter = ["status", "error_code"]
    search_fields = ["project__title"]


@admin.register(DossierDownload)
class DossierDownloadAdmin(ReadOnlyAdmin):
    list_display = ["version", "user", "at"]
    search_fields = ["version__project__title", "user__username"]


@admin.register(Requirement)
class RequirementAdmin(ReadOnlyAdmin):
    list_display = ["project", "position", "kind", "weight", "text"]
    list_filter = ["kind"]
    search_fields = ["project__title", "text"]
