"""Token authentication: knox checks the secret against the stored digest; this adds what the
product's tokens carry. A revoked or expired token is refused (and kept, for the record: knox
would delete it), the time of use is noted at most once a minute, and the token's holder must
still be active."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from rest_framework import exceptions

from .models import ApiToken

LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenAuthentication(TokenAuthentication):
    def _cleanup_token(self, auth_token: ApiToken) -> bool:
        """True skips the token: knox deletes expired tokens here, we keep them."""
        return not auth_token.is_usable

    def validate_user(self, auth_token: ApiToken):
        if not auth_token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The token's user is not active."))
        now = timezone.now()
        if auth_token.last_used_at is None or now - auth_token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=auth_token.pk).update(last_used_at=now)
            auth_token.last_used_at = now
        return (auth_token.user, auth_token)
