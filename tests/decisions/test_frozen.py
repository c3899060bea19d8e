"""The business case is journalled with its old and new content, and frozen once its stage is
approved: refused by the service and on the web, with the reason shown in the panel."""

import pytest
from django.core.exceptions import ValidationError

from decisions.business_case import parse_business_case
from decisions.models import BusinessCase
from decisions.services import save_business_case
from procurement.guards import STAGE_APPROVED
from procurement.models import Action, HistoryEntry

from .conftest import advance_to
from .test_business_case import HAND
from .test_views import HTMX, form_data, post


@pytest.fixture
def bc_team(dteam):
    advance_to(dteam, "business_case")
    return dteam


def journalled(team):
    return HistoryEntry.objects.filter(project=team.project, action=Action.BUSINESS_CASE_SAVED)


def test_each_change_of_the_case_is_journalled_with_old_and_new(bc_team):
    case = parse_business_case(HAND)
    save_business_case(project=bc_team.reload(), by=bc_team.clinician, case=case)
    save_business_case(project=bc_team.reload(), by=bc_team.clinician, case=case)  # no change
    changed = parse_business_case({**HAND, "discount_rate": 0.05})
    save_business_case(project=bc_team.reload(), by=bc_team.consultant, case=changed)
    first, second = journalled(bc_team).order_by("seq")
    original = f"{HAND['discount_rate']:.6f}"
    assert first.before is None and first.after["discount_rate"] == original
    assert (second.before["discount_rate"], second.after["discount_rate"]) == (
        original,
        "0.050000",
    )
    assert (second.by, second.stage_key) == (bc_team.consultant, "business_case")


def test_an_approved_business_case_is_frozen(client, bc_team):
    save_business_case(
        project=bc_team.reload(), by=bc_team.clinician, case=parse_business_case(HAND)
    )
    advance_to(bc_team, "legal")
    stored = BusinessCase.objects.get(project=bc_team.project)
    count = HistoryEntry.objects.filter(project=bc_team.project).count()
    with pytest.raises(ValidationError) as caught:
        save_business_case(
            project=bc_team.reload(),
            by=bc_team.clinician,
            case=parse_business_case({**HAND, "discount_rate": 0.05}),
        )
    assert caught.value.messages[0].startswith("Fasen er godkendt") or caught.value.messages == [
        STAGE_APPROVED
    ]
    response = post(client, bc_team, bc_team.clinician, form_data({**HAND, "discount_rate": 0.05}))
    assert response.status_code == 400  # the stage page again, without JavaScript
    assert "Fasen er godkendt" in response.content.decode()
    response = post(
        client, bc_team, bc_team.clinician, form_data({**HAND, "discount_rate": 0.05}), **HTMX
    )
    assert response.status_code == 422
    again = BusinessCase.objects.get(project=bc_team.project)
    assert (again.discount_rate, again.revision) == (stored.discount_rate, stored.revision)
    assert HistoryEntry.objects.filter(project=bc_team.project).count() == count
    page = client.get(f"/projects/{bc_team.project.pk}/stages/business_case/").content.decode()
    assert "Fasen er godkendt" in page and 'id="bc-form"' not in page
