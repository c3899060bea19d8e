from django.contrib import admin

from .models import ChecklistItem, Pathway, Stage


class ReadOnlyWhenPublished:
    """Published pathway versions are never edited in place: a change is a new version file."""

    def has_change_permission(self, request, obj=None):
        pathway = obj.pathway if isinstance(obj, Stage) else obj
        if isinstance(obj, ChecklistItem):
            pathway = obj.stage.pathway
        if pathway is not None and pathway.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        # Content comes from files through `manage.py load_pathways`, never typed in the admin.
        return False


class StageInline(ReadOnlyWhenPublished, admin.TabularInline):
    model = Stage
    fields = ["order", "key", "name_da", "name_en", "responsible_body"]
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(Pathway)
class PathwayAdmin(ReadOnlyWhenPublished, admin.ModelAdmin):
    list_display = ["slug", "version", "name_da", "is_published", "loaded_at"]
    list_filter = ["slug", "is_published"]
    inlines = [StageInline]


class ChecklistItemInline(ReadOnlyWhenPublished, admin.TabularInline):
    model = ChecklistItem
    fields = ["order", "key", "text_da", "role", "answer_type", "required", "signoff_role"]
    readonly_fields = fields
    extra = 0


@admin.register(Stage)
class StageAdmin(ReadOnlyWhenPublished, admin.ModelAdmin):
    list_display = ["pathway", "order", "key", "name_da", "responsible_body"]
    list_filter = ["pathway"]
    inlines = [ChecklistItemInline]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(ReadOnlyWhenPublished, admin.ModelAdmin):
    list_display = ["key", "stage", "role", "answer_type", "required", "signoff_role"]
    list_filter = ["stage__pathway", "role", "answer_type", "required"]
    search_fields = ["key", "text_da", "text_en"]
