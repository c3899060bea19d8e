"""A module's seeded data taken once per test process and put back in the next module that asks
for the same data, instead of seeding again (seeding the demo replays hundreds of changes through
the services and takes seconds; putting its rows back takes a fraction of that).

`take()` reads every row of every table and the files written under the storage roots; a later
`restore()` inserts the rows the seeding added, with their own keys and values (raw: no save(),
no signal, no auto_now), brings back rows it changed, sets the key sequences past them and writes
the files. It restores only onto exactly the database the seeding started from (the same rows,
compared in full), so what a module sees is what seeding would have made; otherwise the module
seeds as before. Used by `tests.module_data.module_data(..., snapshot=KEY)`.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections

Rows = dict[type, dict[object, tuple]]


def _models() -> list[type]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _columns(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def read_rows(using: str = DEFAULT_DB_ALIAS) -> Rows:
    """Every row of every table, by primary key (values as the ORM reads them)."""
    rows: Rows = {}
    for model in _models():
        columns = _columns(model)
        pk_index = columns.index(model._meta.pk.attname)
        rows[model] = {
            row[pk_index]: row
            for row in model._base_manager.using(using).order_by().values_list(*columns)
        }
    return rows


def _storage_roots() -> list[Path]:
    return [Path(settings.EVIDENCE_ROOT), Path(settings.DOSSIER_ROOT)]


def read_files() -> dict[int, dict[str, bytes]]:
    """The files under each storage root (by the root's place in `_storage_roots`)."""
    found: dict[int, dict[str, bytes]] = {}
    for index, root in enumerate(_storage_roots()):
        found[index] = (
            {
                str(path.relative_to(root)): path.read_bytes()
                for path in root.rglob("*")
                if path.is_file()
            }
            if root.is_dir()
            else {}
        )
    return found


@dataclass
class Snapshot:
    before: Rows
    added: Rows = field(default_factory=dict)
    changed: Rows = field(default_factory=dict)
    files: dict[int, dict[str, bytes]] = field(default_factory=dict)

    @classmethod
    def take(cls, before: Rows, files_before: dict, using: str = DEFAULT_DB_ALIAS):
        """What seeding did since `before` was read, or None when it removed a row (a
        snapshot only adds and changes)."""
        after = read_rows(using)
        snapshot = cls(before=before)
        for model, rows in after.items():
            old = before.get(model, {})
            if set(old) - set(rows):
                return None
            added = {pk: row for pk, row in rows.items() if pk not in old}
            changed = {pk: row for pk, row in rows.items() if pk in old and old[pk] != row}
            if added:
                snapshot.added[model] = added
            if changed:
                snapshot.changed[model] = changed
        for index, files in read_files().items():
            new = {
                name: data
                for name, data in files.items()
                if files_before.get(index, {}).get(name) != data
            }
            snapshot.files[index] = new
        return snapshot

    def restore(self, using: str = DEFAULT_DB_ALIAS) -> bool:
        """Put the seeded data back; False (and nothing written) unless the database holds what
        it held when the snapshot's seeding began, in every table the seeding wrote to and every
        table its rows point to. Other tables may differ: a transactional test's flush gives
        the content types, permissions and the migrations' dated figures new keys, and rows
        that neither write to nor point at them are the same rows whatever those keys are."""
        if self.differing_tables(read_rows(using)):
            return False
        for index, files in self.files.items():
            root = _storage_roots()[index]
            for name in files:
                target = root / name
                if target.exists() and target.read_bytes() != files[name]:
                    return False
        connection = connections[using]
        for model, rows in self.added.items():
            fields = model._meta.local_concrete_fields
            columns = _columns(model)
            objs = [model(**dict(zip(columns, row, strict=True))) for row in rows.values()]
            batch = max(1, 900 // max(1, len(fields)))
            manager = model._base_manager.using(using)
            for start in range(0, len(objs), batch):
                manager._insert(objs[start : start + batch], fields=fields, raw=True, using=using)
        for model, rows in self.changed.items():
            columns = _columns(model)
            for pk, row in rows.items():
                values = dict(zip(columns, row, strict=True))
                values.pop(model._meta.pk.attname)
                model._base_manager.using(using).filter(pk=pk).update(**values)
        sequences = connection.ops.sequence_reset_sql(no_style(), list(self.added))
        with connection.cursor() as cursor:
            for sql in sequences:
                cursor.execute(sql)
        for index, files in self.files.items():
            root = _storage_roots()[index]
            for name, data in files.items():
                target = root / name
                if not target.exists():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
        return True

    def differing_tables(self, now: Rows) -> list[str]:
        """The tables, written or pointed to by the seeding, that differ from its start."""
        differ = {
            model
            for model in set(now) | set(self.before)
            if now.get(model) != self.before.get(model)
        }
        touched = set(self.added) | set(self.changed)
        pointed = {
            field.related_model._meta.concrete_model
            for model in touched
            for field in model._meta.concrete_fields
            if field.is_relation and field.related_model is not None
        }
        return sorted(model.__name__ for model in differ & (touched | pointed))


# Taken in this process, by key.
SNAPSHOTS: dict[str, Snapshot] = {}
