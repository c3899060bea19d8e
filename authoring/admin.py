from django.contrib import admin

from .models import DraftEvent, PathwayDraft


class DraftEventInline(admin.TabularInline):
    model = DraftEvent
    fields = ["at", "action", "by", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(PathwayDraft)
class PathwayDraftAdmin(admin.ModelAdmin):
    """Read-only: drafts change through the authoring pages (four-eyes), never here."""

    list_display = ["slug", "organisation", "status", "created_by", "updated_at"]
    list_filter = ["status"]
    inlines = [DraftEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
