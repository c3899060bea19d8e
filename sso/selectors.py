"""Reads for single sign-on: which organisation an identity provider's person belongs to."""

from accounts.models import Organisation

from .models import IdentityProviderOrganisation


def claim_values(claims: dict, claim: str) -> set[str]:
    """A claim's values as strings (a list claim such as `groups` gives each of its items)."""
    value = claims.get(claim)
    if value is None:
        return set()
    if isinstance(value, list | tuple):
        return {str(item) for item in value}
    return {str(value)}


def organisation_for_login(*, provider_id: str, claims: dict) -> Organisation | None:
    """The organisation a first sign-in with `provider_id` creates its person in, or None (the
    sign-in is refused). Rows with a claim whose value the person carries win over the
    provider's row without a claim; when they point at different organisations nothing is
    guessed (None)."""
    mappings = list(
        IdentityProviderOrganisation.objects.filter(provider_id=provider_id).select_related(
            "organisation"
        )
    )
    by_claim = {
        mapping.organisation
        for mapping in mappings
        if mapping.claim and mapping.claim_value in claim_values(claims, mapping.claim)
    }
    if by_claim:
        return by_claim.pop() if len(by_claim) == 1 else None
    default = [mapping.organisation for mapping in mappings if not mapping.claim]
    return default[0] if default else None
