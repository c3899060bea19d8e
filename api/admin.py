from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from .models import ApiToken, Scope
from .services import create_token, revoke_token

# knox registers its default token model, which this project swaps for ApiToken (no table).
if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


class SystemTokenForm(forms.ModelForm):
    """An administrator's token for a system account, bound to one project or organisation."""

    scopes = forms.MultipleChoiceField(
        label=_("scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=settings.API_TOKEN_MAX_DAYS, initial=90
    )

    class Meta:
        model = ApiToken
        fields = ["user", "name", "project", "organisation"]

    def clean(self):
        cleaned = super().clean()
        # What the model's own rules check (expiry, scopes) before the service makes the secret.
        self.instance.scopes = cleaned.get("scopes") or []
        self.instance.expiry = timezone.now() + timedelta(days=cleaned.get("days") or 0)
        return cleaned


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read and revoke every key; add one for a system account (the secret is shown once).
    People make their own on the API keys page."""

    list_display = ("name", "user", "scopes", "project", "organisation", "expiry", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "token_key", "user__username")
    actions = ["revoke"]
    raw_id_fields = ("user",)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = SystemTokenForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "name", "scopes", "days", "project", "organisation"]
        return [f.name for f in ApiToken._meta.fields]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else [f.name for f in ApiToken._meta.fields]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return
        token, secret = create_token(
            user=form.cleaned_data["user"],
            by=request.user,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            days=form.cleaned_data["days"],
            project=form.cleaned_data["project"],
            organisation=form.cleaned_data["organisation"],
        )
        obj.pk = token.pk
        self.message_user(
            request,
            _("The new key (copy it now, it is shown only this once): %(secret)s")
            % {"secret": secret},
            messages.WARNING,
        )

    @admin.action(description=_("Revoke the selected API keys"))
    def revoke(self, request, queryset) -> None:
        for token in queryset:
            revoke_token(token=token, by=request.user)
