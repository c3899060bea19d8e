"""Rows the data migrations write, put back when a transactional test has flushed them.

Transactional tests (the browser tests, the concurrency test) end with a flush of every table,
rows written by data migrations included; tests that run after them in the same process and need
those rows call `restore_migration_data()` first.
"""

import importlib

from django.apps import apps as django_apps

from decisions.models import DatedValue


def seed_dated_values() -> None:
    """The decision helpers' dated figures (decisions migrations 0002–0005), if they are gone."""
    if not DatedValue.objects.exists():
        migration = importlib.import_module("decisions.migrations.0002_seed_dated_values")
        for fact in migration.FACTS:
            DatedValue.objects.create(**fact)
        amendment = importlib.import_module("decisions.migrations.0003_ai_act_dates_as_amended")
        amendment.amend(django_apps, None)
        thresholds = importlib.import_module("decisions.migrations.0004_eu_thresholds_2026_27")
        thresholds.seed(django_apps, None)
        titles = importlib.import_module("decisions.migrations.0005_dated_value_source_title_en")
        titles.to_danish(django_apps, None)


def restore_migration_data() -> None:
    seed_dated_values()
