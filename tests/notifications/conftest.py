import pytest

from accounts.models import User


@pytest.fixture
def team(team):
    """The personas, each with an e-mail address (they have none by default)."""
    for user in User.objects.all():
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    for name in vars(team):
        value = getattr(team, name)
        if isinstance(value, User):
            value.refresh_from_db()
    return team


@pytest.fixture
def mails(django_capture_on_commit_callbacks, mailoutbox):
    """Run the work queued for after the commit (the mail jobs) and return the outbox."""

    class Outbox:
        def __init__(self):
            self.box = mailoutbox

        def to(self, user):
            return [m for m in self.box if user.email in m.to]

        def clear(self):
            self.box.clear()

    return Outbox()
