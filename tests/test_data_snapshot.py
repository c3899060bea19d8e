"""The test processes' snapshot of seeded data (tests/data_snapshot.py) puts back exactly what
the seeding made, and refuses (writing nothing) when the database it would restore onto differs
where it matters."""

from django.db import transaction

from accounts.models import Organisation, User
from decisions.models import DatedValue
from tests.data_snapshot import Snapshot, read_files, read_rows


def seed() -> None:
    region = Organisation.objects.create(name="Region Prøve", kind="region")
    User.objects.create(username="proeve", organisation=region)


def take() -> tuple[Snapshot, dict]:
    """The snapshot of `seed` and the rows it left, both taken in a block that is rolled back."""
    before, files = read_rows(), read_files()
    with transaction.atomic():
        seed()
        snapshot = Snapshot.take(before, files)
        after = read_rows()
        transaction.set_rollback(True)
    return snapshot, after


def test_a_restore_gives_the_rows_the_seeding_made(db):
    snapshot, after = take()
    assert not User.objects.filter(username="proeve").exists()
    assert snapshot.restore()
    assert read_rows() == after
    # The sequences are past the restored keys: a new row gets a new key.
    assert Organisation.objects.create(name="Ny").pk > max(after[Organisation])


def test_a_table_the_seeding_wrote_to_that_differs_stops_the_restore(db):
    snapshot, _ = take()
    Organisation.objects.create(name="Kom før")
    assert not snapshot.restore()
    assert not User.objects.filter(username="proeve").exists()


def test_a_table_the_seeding_neither_wrote_to_nor_points_at_may_differ(db):
    snapshot, after = take()
    DatedValue.objects.all().delete()
    assert snapshot.restore()
    assert User.objects.get(username="proeve").organisation.name == "Region Prøve"
