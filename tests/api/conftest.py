"""API clients for the personas: each request carries a token of the persona's."""

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from api.services import create_token

ALL_SCOPES = ["read", "write", "monitoring:push"]


def token_secret(user, scopes=None, **binding) -> str:
    """A new token's secret; a bound token (system account) is made by an administrator."""
    by = User.objects.filter(is_superuser=True).first() if binding else user
    _token, secret = create_token(
        user=user,
        by=by,
        name=f"test {user.username}",
        scopes=list(scopes or ALL_SCOPES),
        days=30,
        **binding,
    )
    return secret


def client_with(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def token_client(user, scopes=None, **binding) -> APIClient:
    return client_with(token_secret(user, scopes, **binding))


@pytest.fixture
def api_as(team):
    """api_as("lawyer") or api_as(team.lawyer, scopes=["read"]): a client with a token."""

    def make(person, scopes=None, **binding):
        user = getattr(team, person) if isinstance(person, str) else person
        return token_client(user, scopes, **binding)

    return make
