import pytest
from django.core.cache import cache

from tests.sso.idp import identity_provider  # noqa: F401


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth counts code attempts and remembers used codes in the default cache, which
    outlives a test; each test starts without them."""
    cache.clear()
    yield
    cache.clear()
