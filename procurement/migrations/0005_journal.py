"""The history becomes the journal: numbered, hash-chained entries with before/after values,
and a database trigger that refuses UPDATE and DELETE on the table.

Entries written before this migration are numbered and sealed in the order they were written,
before the trigger is installed."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import procurement.append_only


def seal_existing(apps, schema_editor):
    from procurement.journal import GENESIS, entry_hash

    HistoryEntry = apps.get_model("procurement", "HistoryEntry")
    project_ids = HistoryEntry.objects.values_list("project_id", flat=True).distinct()
    for project_id in project_ids:
        previous = GENESIS
        entries = HistoryEntry.objects.filter(project_id=project_id).order_by("at", "pk")
        for seq, entry in enumerate(entries, start=1):
            entry.seq = seq
            entry.prev_hash = previous
            entry.hash = entry_hash(entry)
            HistoryEntry.objects.filter(pk=entry.pk).update(
                seq=seq, prev_hash=previous, hash=entry.hash
            )
            previous = entry.hash


def install_trigger(apps, schema_editor):
    procurement.append_only.install(schema_editor.connection)


def drop_trigger(apps, schema_editor):
    procurement.append_only.drop(schema_editor.connection)


class Migration(migrations.Migration):
    # Sealing the existing rows (RunPython, in its own transaction) must be committed before the
    # unique constraint and the trigger are added: PostgreSQL refuses to ALTER a table with
    # pending trigger events from the same transaction.
    atomic = False

    dependencies = [
        ("procurement", "0004_validation_override_in_history"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="historyentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("created", "created"),
                    ("approval_requested", "approval requested"),
                    ("approve", "approved"),
                    ("return_to", "returned"),
                    ("stop", "stopped"),
                    ("reopen", "reopened"),
                    ("retire", "retired"),
                    ("upgraded", "upgraded to a newer pathway version"),
                    ("continue_into", "continued into another pathway"),
                    ("dossier_generated", "dossier generated"),
                    ("validation_override", "validation criteria overridden"),
                    ("validation_override_signed", "validation override signed off"),
                    ("answered", "answer saved"),
                    ("evidence_uploaded", "evidence uploaded"),
                    ("signed_off", "signed off"),
                    ("member_added", "team member added"),
                    ("member_removed", "team member removed"),
                    ("business_case_saved", "business case saved"),
                    ("requirement_added", "requirement added"),
                    ("requirement_changed", "requirement changed"),
                    ("requirement_moved", "requirement moved"),
                    ("requirement_removed", "requirement removed"),
                    ("validation_changed", "validation data changed"),
                ],
                max_length=40,
                verbose_name="action",
            ),
        ),
        migrations.AlterField(
            model_name="historyentry",
            name="at",
            field=models.DateTimeField(db_index=True, verbose_name="at"),
        ),
        migrations.AlterField(
            model_name="historyentry",
            name="project",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="history",
                to="procurement.project",
            ),
        ),
        migrations.AddField(
            model_name="historyentry",
            name="seq",
            field=models.PositiveIntegerField(default=0, verbose_name="number"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="historyentry",
            name="stage_key",
            field=models.CharField(blank=True, max_length=80, verbose_name="stage"),
        ),
        migrations.AddField(
            model_name="historyentry",
            name="subject",
            field=models.CharField(blank=True, max_length=200, verbose_name="subject"),
        ),
        migrations.AddField(
            model_name="historyentry",
            name="before",
            field=models.JSONField(blank=True, null=True, verbose_name="before"),
        ),
        migrations.AddField(
            model_name="historyentry",
            name="after",
            field=models.JSONField(blank=True, null=True, verbose_name="after"),
        ),
        migrations.AddField(
            model_name="historyentry",
            name="prev_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="historyentry",
            name="hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop, atomic=True),
        migrations.AddConstraint(
            model_name="historyentry",
            constraint=models.UniqueConstraint(
                fields=("project", "seq"), name="one_journal_entry_per_seq"
            ),
        ),
        migrations.AlterModelOptions(
            name="historyentry",
            options={
                "ordering": ["seq"],
                "verbose_name": "journal entry",
                "verbose_name_plural": "journal",
            },
        ),
        migrations.RunPython(install_trigger, drop_trigger),
    ]
