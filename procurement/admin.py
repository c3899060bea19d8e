from django.contrib import admin

from .models import Answer, Evidence, HistoryEntry, Membership, Project, SignOff


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["user", "role", "added_by", "added_at"]
    readonly_fields = ["added_by", "added_at"]
    extra = 0


class HistoryInline(admin.TabularInline):
    model = HistoryEntry
    fields = ["at", "action", "from_state", "to_state", "by", "comment"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "state", "owner", "updated_at"]
    list_filter = ["organisation", "pathway"]
    search_fields = ["title", "department", "product_name", "vendor_name"]
    # The state only moves through transitions (procurement.transitions), never by hand.
    readonly_fields = [
        "state",
        "stopped_from",
        "approval_requested_by",
        "approval_requested_at",
        "pathway",
    ]
    exclude = []
    inlines = [MembershipInline, HistoryInline]

    def has_add_permission(self, request):
        return False  # projects are started in the app, so they get an owner, a stage and history


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["project", "user", "role", "added_at"]
    list_filter = ["role"]
    search_fields = ["project__title", "user__username"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HistoryEntry)
class HistoryEntryAdmin(ReadOnlyAdmin):
    list_display = ["project", "action", "from_state", "to_state", "by", "at"]
    list_filter = ["action"]


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ["project", "item", "value", "revision", "answered_by", "updated_at"]


@admin.register(SignOff)
class SignOffAdmin(ReadOnlyAdmin):
    list_display = ["project", "item", "role", "user", "answer_revision", "created_at"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["project", "original_name", "size", "sha256", "uploaded_by", "uploaded_at"]
