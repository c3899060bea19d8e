"""Dated figures: how a figure is found for a date, the seeded data from DOMAIN.md, the
administrators' model validation and the admin."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from decisions.dated_data import DatedData, DatedFact, DatedKey
from decisions.models import DatedValue
from decisions.selectors import load_dated_data
from tests.personas import activate_two_factor


@pytest.fixture(autouse=True)
def english():
    """These tests read the English source messages; the interface's default is Danish."""
    with translation.override("en"):
        yield


KEY = DatedKey.EU_THRESHOLD_SUPPLIES_SERVICES


def test_find_by_period_and_proposal():
    data = DatedData(
        (
            DatedFact(KEY, Decimal(1), valid_from=date(2024, 1, 1), valid_to=date(2025, 12, 31)),
            DatedFact(KEY, Decimal(2), valid_from=date(2026, 1, 1)),
            DatedFact(KEY, Decimal(3), is_proposal=True),
        )
    )
    assert data.find(KEY, date(2023, 12, 31)) is None
    assert data.find(KEY, date(2025, 12, 31)).value == 1
    assert data.find(KEY, date(2026, 1, 1)).value == 2
    assert data.find(KEY, date(2030, 1, 1)).value == 2
    assert data.find(KEY, date(2024, 6, 1), proposal=True).value == 3
    assert data.find(DatedKey.DISCOUNT_RATE, date(2024, 6, 1)) is None


@pytest.mark.usefixtures("seeded")
def test_seeded_from_domain_md():
    data = load_dated_data()
    today = date(2025, 6, 1)
    threshold = data.find(KEY, today)
    assert threshold.value == Decimal("1644638")
    assert (threshold.valid_from, threshold.valid_to) == (date(2024, 1, 1), date(2025, 12, 31))
    assert threshold.source_url.startswith("https://www.kfst.dk/")
    for day in (date(2026, 1, 1), date(2027, 12, 31)):  # 2026-27: Delegated Reg. 2025/2152
        later = data.find(KEY, day)
        assert later.value == Decimal("1611360") and "2025/2152" in later.source_title
    assert data.find(KEY, date(2028, 1, 1)) is None  # not known: no guess
    assert data.find(DatedKey.EU_THRESHOLD_LIGHT_REGIME, date(2026, 1, 1)) is None
    assert data.find(DatedKey.EU_THRESHOLD_LIGHT_REGIME, today).value == Decimal("5581350")
    rate = data.find(DatedKey.DISCOUNT_RATE, today)
    assert rate.value == Decimal("0.035") and rate.as_of == date(2021, 1, 7)
    assert data.find(DatedKey.AI_ACT_ANNEX_I_FROM, today).value == date(2027, 8, 2)
    assert data.find(DatedKey.AI_ACT_ANNEX_III_FROM, today).value == date(2026, 8, 2)
    assert data.find(DatedKey.AI_ACT_ART4_ART5_FROM, today).value == date(2025, 2, 2)
    omnibus_i = data.find(DatedKey.AI_ACT_ANNEX_I_FROM, today, proposal=True)
    omnibus_iii = data.find(DatedKey.AI_ACT_ANNEX_III_FROM, today, proposal=True)
    assert (omnibus_i.value, omnibus_iii.value) == (date(2028, 8, 2), date(2027, 12, 2))
    assert "Proposal" in omnibus_i.note and omnibus_i.is_proposal


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"key": KEY, "value_date": date(2026, 1, 1)}, "This figure is a number"),
        ({"key": DatedKey.AI_ACT_ANNEX_I_FROM, "value_decimal": 1}, "This figure is a date"),
        (
            {
                "key": KEY,
                "value_decimal": 1,
                "valid_from": date(2026, 2, 1),
                "valid_to": date(2026, 1, 1),
            },
            "The period must end after it starts",
        ),
        (
            {"key": KEY, "value_decimal": 1, "valid_from": date(2025, 6, 1)},
            "covers part of the same period",
        ),
    ],
)
def test_model_validation_for_administrators(fields, message):
    value = DatedValue(source_title="Test", **fields)
    with pytest.raises(ValidationError, match=message):
        value.full_clean()


@pytest.mark.django_db
def test_a_new_period_after_the_last_is_accepted():
    DatedValue(
        key=KEY, value_decimal=Decimal("1700000"), valid_from=date(2028, 1, 1), source_title="kfst"
    ).full_clean()


@pytest.mark.django_db
def test_database_refuses_a_row_with_two_values():
    with transaction.atomic(), pytest.raises(IntegrityError):
        DatedValue.objects.create(
            key=KEY, value_decimal=1, value_date=date(2026, 1, 1), source_title="x"
        )


@pytest.mark.usefixtures("seeded")
def test_admin_lists_and_edits_dated_figures(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(activate_two_factor(admin))
    response = client.get("/admin/decisions/datedvalue/")
    assert response.status_code == 200
    assert "1644638" in response.content.decode() or "1.644.638" in response.content.decode()
    value = DatedValue.objects.get(key=DatedKey.DISCOUNT_RATE)
    assert client.get(f"/admin/decisions/datedvalue/{value.pk}/change/").status_code == 200


@pytest.mark.usefixtures("seeded")
def test_the_amended_dates_are_the_law_on_1_december_2026_and_the_originals_history():
    """Regulation (EU) 2026/1744 (in force 27 July 2026) moved the high-risk dates; the original
    dates and the proposal stay as history rows ending the day before."""
    data = load_dated_data()
    today = date(2026, 12, 1)
    annex_iii = data.find(DatedKey.AI_ACT_ANNEX_III_FROM, today)
    annex_i = data.find(DatedKey.AI_ACT_ANNEX_I_FROM, today)
    assert (annex_iii.value, annex_i.value) == (date(2027, 12, 2), date(2028, 8, 2))
    assert annex_i.valid_from == date(2026, 7, 27) and not annex_i.is_proposal
    assert annex_i.source_url == "https://eur-lex.europa.eu/eli/reg/2026/1744/oj"
    assert "2026/1744" in annex_i.source_title
    assert data.find(DatedKey.AI_ACT_ANNEX_III_FROM, today, proposal=True) is None
    assert data.find(DatedKey.AI_ACT_ART50_FROM, today).value == date(2026, 8, 2)
    # the day before the amendment entered into force, the original dates were the law
    before = date(2026, 7, 26)
    original = data.find(DatedKey.AI_ACT_ANNEX_III_FROM, before)
    assert original.value == date(2026, 8, 2) and original.valid_to == before
    assert "Superseded" in original.note and "2024/1689" in original.source_title
    assert DatedValue.objects.filter(key=DatedKey.AI_ACT_ANNEX_I_FROM).count() == 3


@pytest.mark.usefixtures("seeded")
def test_the_amendment_migration_leaves_rows_an_administrator_changed():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("decisions.migrations.0003_ai_act_dates_as_amended")
    rows = DatedValue.objects.count()
    migration.amend(apps, None)  # a second run changes nothing
    assert DatedValue.objects.count() == rows
