"""One project as one archive, and back: `manage.py export_project ID` / `import_project FILE`.

The archive is a zip file:
- `project.json`: every row that belongs to the project, in Django's serialisation with the
  primary keys kept, in an order where each row comes after the rows it points to: the
  organisations and users it needs, the pathway versions it uses, the project, its team,
  answers, sign-offs, evidence, the journal, validation, monitoring, decisions, dossiers,
  deadlines, notifications and the assistant's questions about it;
- `manifest.json`: the format version, the project, and every file with its storage, name, size
  and SHA-256;
- `files/<storage>/<name>`: the files (evidence, validation uploads, dossier PDFs).

Users are exported without their password hashes (a backup travels and is kept for years; a
hash is a secret worth attacking): imported users have no usable password until they set one or
log in through the region's login. Their group and permission rows are not exported either
(superuser and staff flags are). Per-person settings that do not belong to the project
(notification preferences, calendar addresses) are not exported.

Importing restores into an EMPTY database (migrated, without projects or users): the rows keep
their primary keys, so the journal's hash chain (which names users and entries by id) verifies,
and the files are written back under their names after their SHA-256 is checked. Pathway
versions already present are kept when they are the same rows (same id, slug, version and item
keys); anything else is refused before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import DateTimeField, ForeignKey, Model, TimeField

from accounts.models import Organisation, User
from accounts.organisations import ancestor_ids
from checklists.models import ChecklistItem, Pathway, Stage
from dossier.models import DossierVersion
from market.models import DialogueFile
from validation.models import ResultUpload

from . import file_storage
from .models import Evidence, Project
from .progress import rebuild_progress

FORMAT = 1
# A project's rows, parents first. (model label, the filter that selects the project's rows)
PROJECT_ROWS: tuple[tuple[str, str], ...] = (
    ("procurement.Project", "pk"),
    ("procurement.Membership", "project"),
    ("procurement.Evidence", "project"),
    ("procurement.Answer", "project"),
    ("procurement.SignOff", "project"),
    ("procurement.HistoryEntry", "project"),
    ("procurement.ProjectProgress", "project"),
    ("validation.EvaluationSite", "project"),
    ("validation.Wave", "project"),
    ("validation.Criterion", "project"),
    ("validation.ResultUpload", "project"),
    ("validation.PhaseResult", "project"),
    ("validation.Override", "project"),
    ("validation.AuditEvent", "project"),
    ("monitoring.MonitoringPlan", "project"),
    ("monitoring.PlanMetric", "plan__project"),
    ("monitoring.PeriodData", "project"),
    ("monitoring.Incident", "project"),
    ("monitoring.Alarm", "project"),
    ("decisions.BusinessCase", "project"),
    ("dossier.DossierRequest", "project"),
    ("dossier.DossierVersion", "project"),
    ("dossier.DossierDownload", "version__project"),
    ("dossier.Requirement", "project"),
    ("assistant.QuestionLog", "project"),
    ("notifications.Notification", "project"),
    ("notifications.Digest", "deliveries__notification__project"),
    ("notifications.Delivery", "notification__project"),
    ("notifications.StageTarget", "project"),
    ("notifications.ItemAssignment", "project"),
    ("market.Vendor", "project"),
    ("market.Product", "vendor__project"),
    ("market.DialogueEntry", "project"),
    ("market.Disclosure", "entry__project"),
    ("market.DialogueFile", "entry__project"),
    ("market.OfferAnswer", "vendor__project"),
    ("market.CriterionScale", "requirement__project"),
    ("market.Evaluator", "project"),
    ("market.Score", "vendor__project"),
    ("market.Consensus", "vendor__project"),
    ("market.MinimumCheck", "vendor__project"),
    ("market.Evaluation", "project"),
    ("market.ModelCard", "product__vendor__project"),
    ("market.ModelCardField", "card__product__vendor__project"),
)
# Rows the project's rows point to, exported first: (label, how the pointed-to ids are found).
PATHWAY_MODELS = ("checklists.Pathway", "checklists.Stage", "checklists.ChecklistItem")
FILE_NAME = re.compile(r"^[0-9]+/[0-9a-f]{32}(\.pdf)?$")
MAX_FILE_BYTES = 1024 * 1024 * 1024


class ArchiveRefused(Exception):
    """The archive or the database is not what an import needs; nothing was written."""


@dataclass(frozen=True)
class ExportSummary:
    rows: int
    files: int
    bytes: int


@dataclass(frozen=True)
class ImportSummary:
    project_id: int
    rows: int
    files: int


# --- export ----------------------------------------------------------------------------------


def export_project(project_id: int, out) -> ExportSummary:
    """Write the project's archive to the binary file `out`. Raises LookupError for an unknown
    project and ValueError when a stored file no longer matches its recorded SHA-256 (a backup
    must not carry a damaged file silently)."""
    with transaction.atomic():
        # Every change to a project locks its row first (procurement/guards.py): holding the
        # lock, the export reads the project as one consistent state.
        if not Project.objects.select_for_update().filter(pk=project_id).exists():
            raise LookupError(f"No project with id {project_id}.")
        project_rows = _project_rows(project_id)
        users, organisations = _people(project_rows, project_id)
        pathway_rows = _pathway_rows(project_rows)
        rows = [*organisations, *users, *pathway_rows, *project_rows]
        data = json.loads(serializers.serialize("json", rows))
        for row, instance in zip(data, rows, strict=True):
            _keep_microseconds(row, instance)
            if row["model"] == "accounts.user":
                row["fields"]["password"] = ""
                row["fields"]["groups"] = []
                row["fields"]["user_permissions"] = []
        files = list(_files(project_rows, project_id))
    manifest = {"format": FORMAT, "project": project_id, "rows": len(data), "files": []}
    total = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.json", json.dumps(data, ensure_ascii=False, indent=1))
        for kind, name, recorded in files:
            with file_storage.storages_by_kind()[kind].open(name, "rb") as handle:
                content = handle.read()
            digest = hashlib.sha256(content).hexdigest()
            if digest != recorded:
                raise ValueError(f"{kind}/{name} does not match its recorded SHA-256")
            archive.writestr(f"files/{kind}/{name}", content)
            manifest["files"].append(
                {"storage": kind, "name": name, "size": len(content), "sha256": digest}
            )
            total += len(content)
        archive.writestr("manifest.json", json.dumps(manifest, indent=1))
    return ExportSummary(rows=len(data), files=len(files), bytes=total)


def _keep_microseconds(row: dict, instance: Model) -> None:
    """Django's JSON encoder cuts times to milliseconds; the journal's hashes cover the
    microseconds, so times are written in full."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, DateTimeField | TimeField) and field.name in row["fields"]:
            value = getattr(instance, field.attname)
            row["fields"][field.name] = value.isoformat() if value is not None else None


def _project_rows(project_id: int) -> list[Model]:
    rows = []
    for label, path in PROJECT_ROWS:
        model = apps.get_model(label)
        rows += list(model.objects.filter(**{path: project_id}).distinct().order_by("pk"))
    return rows


def _referenced(rows: Iterable[Model], label: str) -> set[int]:
    target = apps.get_model(label)
    found = set()
    for row in rows:
        for field in row._meta.concrete_fields:
            if isinstance(field, ForeignKey) and field.related_model is target:
                value = getattr(row, field.attname)
                if value is not None:
                    found.add(value)
        for field in row._meta.many_to_many:
            if field.related_model is target:
                found |= set(getattr(row, field.name).values_list("pk", flat=True))
    return found


def _people(rows: list[Model], project_id: int) -> tuple[list[Model], list[Model]]:
    users = list(User.objects.filter(pk__in=_referenced(rows, "accounts.User")).order_by("pk"))
    organisation_ids = _referenced(rows, "accounts.Organisation") | _referenced(
        users, "accounts.Organisation"
    )
    # With every node above them: the tree is restored from the root down.
    paths = Organisation.objects.filter(pk__in=organisation_ids).values_list("path", flat=True)
    organisation_ids |= {pk for path in paths for pk in ancestor_ids(path)}
    organisations = list(Organisation.objects.filter(pk__in=organisation_ids).order_by("path"))
    return users, organisations


def _pathway_rows(rows: list[Model]) -> list[Model]:
    """Every version of a pathway a row points to (to a stage or an item of it), whole."""
    stage_ids = _referenced(rows, "checklists.Stage")
    item_ids = _referenced(rows, "checklists.ChecklistItem")
    pathway_ids = _referenced(rows, "checklists.Pathway")
    pathway_ids |= set(Stage.objects.filter(pk__in=stage_ids).values_list("pathway", flat=True))
    pathway_ids |= set(
        ChecklistItem.objects.filter(pk__in=item_ids).values_list("stage__pathway", flat=True)
    )
    return [
        *Pathway.objects.filter(pk__in=pathway_ids).order_by("pk"),
        *Stage.objects.filter(pathway__in=pathway_ids).order_by("pk"),
        *ChecklistItem.objects.filter(stage__pathway__in=pathway_ids).order_by("pk"),
    ]


def _files(rows: list[Model], project_id: int) -> Iterable[tuple[str, str, str]]:
    """(storage kind, storage name, recorded SHA-256) of every file a row of the project names.
    Every file lies in the project's folder, so no row is asked for its project (a dialogue
    file would need a query for it)."""
    for row in rows:
        if isinstance(row, Evidence | ResultUpload | DialogueFile):
            yield file_storage.EVIDENCE, f"{project_id}/{row.stored_name}", row.sha256
        elif isinstance(row, DossierVersion):
            yield file_storage.DOSSIERS, f"{project_id}/{row.stored_name}", row.sha256


# --- import ----------------------------------------------------------------------------------


def import_project(source) -> ImportSummary:
    """Restore an archive made by `export_project` into an empty database. Checks everything
    first (the database is empty, the archive is complete, every file matches its SHA-256, the
    pathway versions fit), then writes the files and the rows; on any failure the rows roll back
    and the files written are removed. Raises ArchiveRefused with the reason."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveRefused(f"Not a project archive (not a zip file): {exc}") from exc
    with archive:
        manifest = _json_member(archive, "manifest.json")
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ArchiveRefused("Not a project archive of this version (manifest.json).")
        rows = _json_member(archive, "project.json")
        files = _checked_files(archive, manifest)
    projects = Project.objects.count()
    users = User.objects.count()
    if projects or users:
        raise ArchiveRefused(
            f"The database is not empty ({projects} projects, {users} users). "
            "import_project restores into an empty, migrated database only."
        )
    try:
        objects = list(serializers.deserialize("json", json.dumps(rows)))
    except serializers.base.DeserializationError as exc:
        raise ArchiveRefused(f"project.json does not fit this version's models: {exc}") from exc
    keep = _existing_pathway_rows(objects)
    written: list[tuple[str, str]] = []
    storages = file_storage.storages_by_kind()
    try:
        for kind, name, content in files:
            file_storage.save_exactly(storages[kind], name, ContentFile(content))
            written.append((kind, name))
        with transaction.atomic():
            models = set()
            for deserialized in objects:
                instance = deserialized.object
                if (instance._meta.label, instance.pk) in keep:
                    continue
                if instance._meta.label == "accounts.User":
                    instance.password = make_password(None)
                # Model.save_base with raw=True: the rows as they were (the append-only models
                # refuse save(); inserting them is allowed).
                deserialized.save()
                models.add(type(instance))
            _reset_sequences(models)
            # Derived rows: made again from the restored answers (an older archive has none).
            rebuild_progress(Project.objects.filter(pk=int(manifest["project"])))
    except BaseException:
        for kind, name in written:
            storages[kind].delete(name)
        raise
    return ImportSummary(
        project_id=int(manifest["project"]), rows=len(objects) - len(keep), files=len(files)
    )


def _json_member(archive: zipfile.ZipFile, name: str):
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise ArchiveRefused(f"Not a project archive: {name} is missing.") from None
    if info.file_size > MAX_FILE_BYTES:
        raise ArchiveRefused(f"{name} is too large.")
    try:
        return json.loads(archive.read(info))
    except ValueError as exc:
        raise ArchiveRefused(f"{name} is not valid JSON: {exc}") from exc


def _checked_files(archive: zipfile.ZipFile, manifest: dict) -> list[tuple[str, str, bytes]]:
    """The manifest's files, read and checked: only the storages and names the app makes (never
    a path from the archive), the size and SHA-256 the manifest gives."""
    checked = []
    for entry in manifest.get("files", []):
        kind, name = entry.get("storage"), str(entry.get("name", ""))
        if kind not in file_storage.KINDS or not FILE_NAME.match(name):
            raise ArchiveRefused(f"The manifest names a file the app does not make: {name!r}")
        try:
            info = archive.getinfo(f"files/{kind}/{name}")
        except KeyError:
            raise ArchiveRefused(f"files/{kind}/{name} is missing from the archive.") from None
        if info.file_size != entry.get("size") or info.file_size > MAX_FILE_BYTES:
            raise ArchiveRefused(f"files/{kind}/{name} does not have its recorded size.")
        content = archive.read(info)
        if hashlib.sha256(content).hexdigest() != entry.get("sha256"):
            raise ArchiveRefused(f"files/{kind}/{name} does not match its SHA-256.")
        checked.append((kind, name, content))
    return checked


def _existing_pathway_rows(objects) -> set[tuple[str, int]]:
    """The archive's pathway rows that the database already has (same id and identity); refuses
    a pathway version present under another id, or an id holding something else."""
    keep = set()
    identity = {
        Pathway: lambda row: (row.slug, row.version),
        Stage: lambda row: (row.pathway_id, row.key),
        ChecklistItem: lambda row: (row.stage_id, row.key),
    }
    for deserialized in objects:
        instance = deserialized.object
        model = type(instance)
        if model not in identity:
            continue
        existing = model.objects.filter(pk=instance.pk).first()
        if existing is None:
            if (
                model is Pathway
                and Pathway.objects.filter(slug=instance.slug, version=instance.version).exists()
            ):
                raise ArchiveRefused(
                    f"Pathway {instance.slug} v{instance.version} exists here under another id."
                )
            continue
        if identity[model](existing) != identity[model](instance):
            raise ArchiveRefused(
                f"{model._meta.label} {instance.pk} here is not the archive's "
                f"({identity[model](existing)} != {identity[model](instance)})."
            )
        keep.add((model._meta.label, instance.pk))
    return keep


def _reset_sequences(models: set[type[Model]]) -> None:
    """After inserting explicit ids, the next new row must get a higher id (PostgreSQL)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
