"""Read-only views for administrators. Scores and consensus are not registered: the rule that
an evaluator's score stays hidden until everyone has scored holds for administrators too, and
every change goes through the services (with the project lock and the journal)."""

from django.contrib import admin

from .models import DialogueEntry, ModelCard, Product, Vendor


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Vendor)
class VendorAdmin(ReadOnly):
    list_display = ["name", "cvr", "status", "project"]
    list_filter = ["status"]
    search_fields = ["name", "cvr"]


@admin.register(Product)
class ProductAdmin(ReadOnly):
    list_display = ["name", "vendor", "ce_marked", "device_class", "notified_body"]


@admin.register(DialogueEntry)
class DialogueEntryAdmin(ReadOnly):
    list_display = ["title", "kind", "vendor", "occurred_on", "published_at", "project"]
    list_filter = ["kind"]


@admin.register(ModelCard)
class ModelCardAdmin(ReadOnly):
    list_display = ["model_name", "product", "source_name", "imported_at"]
