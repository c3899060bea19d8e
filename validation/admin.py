"""Read-only views for administrators: validation data changes only through the services."""

from django.contrib import admin

from .models import AuditEvent, Criterion, EvaluationSite, Override, PhaseResult, ResultUpload


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EvaluationSite)
class EvaluationSiteAdmin(ReadOnlyAdmin):
    list_display = ("name", "project", "kind", "department", "wave", "is_demo")
    list_filter = ("kind", "wave", "is_demo")


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    list_display = (
        "project",
        "phase",
        "metric",
        "direction",
        "threshold",
        "judged_on",
        "every_group",
        "withdrawn",
        "after_lock",
        "created_at",
    )
    list_filter = ("phase", "metric")


@admin.register(ResultUpload)
class ResultUploadAdmin(ReadOnlyAdmin):
    list_display = (
        "original_name",
        "project",
        "site",
        "phase",
        "kind",
        "row_count",
        "sha256",
        "is_demo",
        "uploaded_at",
    )
    list_filter = ("phase", "kind", "is_demo")
    exclude = ("data",)


@admin.register(PhaseResult)
class PhaseResultAdmin(ReadOnlyAdmin):
    list_display = ("project", "phase", "computed_at")
    exclude = ("data",)


@admin.register(Override)
class OverrideAdmin(ReadOnlyAdmin):
    list_display = (
        "project",
        "phase",
        "recorded_by",
        "recorded_at",
        "signed_off_by",
        "signed_off_at",
    )


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("project", "phase", "action", "by", "at")
    list_filter = ("action",)
