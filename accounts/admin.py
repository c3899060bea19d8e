from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Organisation, OrganisationRole, User


class OrganisationRoleInline(admin.TabularInline):
    model = OrganisationRole
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["indented_name", "kind", "parent", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]
    inlines = [OrganisationRoleInline]

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, obj: Organisation) -> str:
        return "· " * (len(obj.ancestor_ids) - 1) + obj.name


@admin.register(OrganisationRole)
class OrganisationRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation", "granted_at"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "organisation", "is_staff"]
    list_filter = ["organisation", "is_staff", "is_superuser", "is_active"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Organisation"), {"fields": ["organisation", "language"]}),
    )
    inlines = [OrganisationRoleInline]
