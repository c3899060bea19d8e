from django.contrib import admin
from django.db import models

from .models import BusinessCase, DatedValue


@admin.register(DatedValue)
class DatedValueAdmin(admin.ModelAdmin):
    """Administrators keep dates, thresholds and rates current here, each with its source."""

    list_display = (
        "key",
        "value",
        "valid_from",
        "valid_to",
        "is_proposal",
        "source_title",
        "as_of",
    )
    list_filter = ("key", "is_proposal")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    search_fields = ("source_title", "note")
    fieldsets = (
        (None, {"fields": ("key", "value_decimal", "value_date", "is_proposal")}),
        (None, {"fields": ("valid_from", "valid_to")}),
        (None, {"fields": ("source_title", "source_title_en", "source_url", "as_of", "note")}),
    )


@admin.register(BusinessCase)
class BusinessCaseAdmin(admin.ModelAdmin):
    """Read-only: business cases are changed by the project team, through the validated editor."""

    list_display = (
        "project",
        "horizon_years",
        "discount_rate",
        "revision",
        "updated_by",
        "updated_at",
    )
    readonly_fields = (
        "project", "horizon_years", "discount_rate", "lines", "revision", "updated_by",
        "created_at", "updated_at",
    )  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
