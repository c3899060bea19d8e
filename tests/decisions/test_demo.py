"""The demo business cases: created through the service when a demo project reaches the business
case stage, complete (so the demo passes the gate), and built on DOMAIN.md's range."""

from decimal import Decimal

import pytest

from decisions.business_case import calculate
from decisions.demo import DEMO_CASES, add_demo_business_case, demo_business_case
from decisions.models import BusinessCase
from procurement.demo_data import DEMO_EXTENSIONS
from procurement.gates import load_stage_status

from .conftest import advance_to

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seeded")]


def test_registered_as_a_demo_extension():
    assert DEMO_EXTENSIONS.count(add_demo_business_case) == 1


@pytest.mark.parametrize("slug", sorted(DEMO_CASES))
def test_every_demo_case_is_complete(slug):
    case = demo_business_case(slug)
    assert case.gaps() == []
    assert case.horizon_years == 5 and case.discount_rate == Decimal("0.035")
    assert all(line.owner for line in case.lines)


def test_ambient_scribe_time_saved_is_a_range_from_the_trial_to_the_deck():
    case = demo_business_case("ambient-scribe")
    benefit = next(line for line in case.lines if line.kind == "benefit")
    # 250 clinicians x 1.5 h x 210 days = 78,750 h a year at 450 kr.: 35,437,500 kr.
    # low 9.5 % (the randomised trial) = 3,366,562.5; high 20 % (bottom of "20-51 %") = 7,087,500
    assert benefit.low[1] == Decimal("3366563")
    assert benefit.high[1] == Decimal("7087500")
    assert benefit.expected[1] == Decimal("5227031")  # the midpoint, 14.75 %
    assert benefit.low[0] == Decimal("1683282")  # half the effect in year 0
    assert "9,5 %" in benefit.label and "20–51 %" in benefit.label
    result = calculate(case).scenarios
    # Low: 1,683,282 - 4,450,000 in year 0, then 3,366,563 - 2,700,000 = 666,563 a year:
    # cumulative -2,766,718 ... -100,466 after year 4, so no payback within five years.
    assert result["low"].cumulative[-1] == Decimal("-100466")
    assert result["low"].payback_year is None
    assert result["expected"].payback_year == 1
    assert result["high"].payback_year == 0
    assert result["expected"].npv == Decimal("9614732.71")


def test_hook_creates_the_case_at_the_business_case_stage_only(dteam):
    project = dteam.reload()
    add_demo_business_case(project, {"slug": "ambient-scribe"}, "requirements")
    assert not BusinessCase.objects.exists()
    advance_to(dteam, "business_case")
    project = dteam.reload()
    add_demo_business_case(project, {"slug": "unknown"}, "business_case")
    assert not BusinessCase.objects.exists()
    add_demo_business_case(project, {"slug": "ambient-scribe"}, "business_case")
    stored = BusinessCase.objects.get(project=project)
    assert stored.updated_by == project.owner
    add_demo_business_case(project, {"slug": "ambient-scribe"}, "business_case")  # idempotent
    assert BusinessCase.objects.get(project=project).revision == 1
    assert load_stage_status(dteam.reload()).tool_reasons == []
