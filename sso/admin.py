from django.contrib import admin

from .models import IdentityProviderOrganisation


@admin.register(IdentityProviderOrganisation)
class IdentityProviderOrganisationAdmin(admin.ModelAdmin):
    list_display = ["provider_id", "claim", "claim_value", "organisation", "created_at"]
    list_filter = ["provider_id", "organisation"]
    search_fields = ["provider_id", "claim_value", "organisation__name"]
    autocomplete_fields = ["organisation"]
