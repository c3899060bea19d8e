from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from .models import ApiToken
from .services import revoke_token

# knox registers its default token model, which this project swaps for ApiToken (no table).
if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read and revoke. New tokens come from the API keys page or `manage.py create_api_token`,
    which show the secret once."""

    list_display = ("name", "user", "scopes", "project", "organisation", "expiry", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "token_key", "user__username")
    readonly_fields = [f.name for f in ApiToken._meta.fields]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected API keys"))
    def revoke(self, request, queryset) -> None:
        for token in queryset:
            revoke_token(token=token, by=request.user)
