"""What tests/migration_data.py puts back after a flush is what the data migrations wrote: a new
data migration that it leaves out makes this fail."""

from decisions.models import DatedValue
from tests.migration_data import restore_migration_data

FIELDS = [f.name for f in DatedValue._meta.concrete_fields if f.name not in {"id", "updated_at"}]


def test_restored_rows_equal_the_migrated_ones(db):
    migrated = sorted(DatedValue.objects.values_list(*FIELDS), key=repr)
    assert migrated, "the data migrations wrote no dated figures"
    DatedValue.objects.all().delete()
    restore_migration_data()
    assert sorted(DatedValue.objects.values_list(*FIELDS), key=repr) == migrated
