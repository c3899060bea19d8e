from django.db import models
from django.utils.translation import gettext_lazy as _


class IdentityProviderOrganisation(models.Model):
    """Which organisation a person signing in with an identity provider for the first time
    belongs to.

    `provider_id` is the allauth provider id of an OpenID Connect provider (the "Provider ID" of
    its Social application, the `<id>` of /accounts/oidc/<id>/login/). Without a claim the row
    maps everyone from the provider; with a claim (e.g. `tid`, the tenant of Entra ID, or
    `groups`) only people whose ID token or user info carries that value. A claim row wins
    over the provider's row without a claim. No matching row: the sign-in is refused."""

    provider_id = models.CharField(
        _("provider ID"),
        max_length=200,
        help_text=_("The Provider ID of the identity provider's social application."),
    )
    claim = models.CharField(
        _("claim"),
        max_length=100,
        blank=True,
        help_text=_("Optional: a claim of the ID token, e.g. tid (tenant) or groups."),
    )
    claim_value = models.CharField(
        _("claim value"),
        max_length=255,
        blank=True,
        help_text=_("The claim's value (or one of its values, for a list such as groups)."),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="identity_provider_mappings",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["provider_id", "claim", "claim_value"]
        verbose_name = _("identity provider's organisation")
        verbose_name_plural = _("identity providers' organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["provider_id", "claim", "claim_value"],
                name="sso_one_mapping_per_provider_claim_value",
            ),
            # A claim and its value come together, or neither.
            models.CheckConstraint(
                condition=(models.Q(claim="") & models.Q(claim_value=""))
                | (~models.Q(claim="") & ~models.Q(claim_value="")),
                name="sso_claim_with_value",
            ),
        ]

    def __str__(self) -> str:
        if self.claim:
            return f"{self.provider_id} ({self.claim}={self.claim_value}) → {self.organisation}"
        return f"{self.provider_id} → {self.organisation}"
