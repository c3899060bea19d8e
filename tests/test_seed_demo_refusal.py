"""The demo seed refuses to run without DEBUG unless forced (kept apart from test_seed_demo.py,
whose tests share one seeded database)."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User


def test_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo")
    assert not User.objects.filter(username="kliniker").exists()
