"""Pathway version 5: the IT architect's questions on where personal data are and who reaches them
from outside the EU/EEA (GDPR chapter V), and the rule that asks for the transfer basis."""

import pytest
from django.core.management import call_command

from checklists.extensions import evaluate_rules
from checklists.models import Pathway
from decisions.journey import data_leave_eu
from procurement.gates import is_applicable

from .module_data import module_data

DEFAULT = "indkoeb-ce-maerket-ai"
NEW_ITEMS = ("legal.data_locations", "legal.third_country_access", "legal.third_country_law")


@pytest.mark.parametrize(
    ("answers", "leave"),
    [
        ({}, False),
        ({"agreement.hosting": "eu_cloud"}, False),
        ({"agreement.hosting": "on_premises", "legal.third_country_access": "no"}, False),
        ({"agreement.hosting": "outside_eu"}, True),
        # Stored in the EU but reachable from a third country (support): a transfer too.
        ({"agreement.hosting": "eu_cloud", "legal.third_country_access": "yes"}, True),
        ({"agreement.hosting": "eu_cloud", "legal.third_country_access": "na"}, False),
    ],
)
def test_data_leave_eu_by_hosting_or_by_access(answers, leave):
    assert data_leave_eu(answers) is leave


def _load():
    call_command("load_pathways", verbosity=0)


pathways = module_data(_load)


@pytest.mark.django_db
def test_the_legal_stage_asks_the_it_architect_where_the_data_are(pathways):
    pathway = Pathway.latest(DEFAULT)
    assert pathway.version >= 5
    legal = pathway.stages.get(key="legal")
    assert "it_architect" in legal.roles
    items = {item.key: item for item in legal.items.all()}
    for key in NEW_ITEMS:
        item = items[key]
        assert item.role == "it_architect", key
        assert item.required, key
        assert item.condition == {"item": "legal.personal_data", "values": ["yes"]}, key
        assert item.sources, key
    # The vendor's exposure to a third country's law is the lawyer's call in the end.
    assert items["legal.third_country_law"].signoff_role == "lawyer"
    assert items["legal.third_country_transfer"].condition == {"rule": "data_leave_eu"}
    assert "gate-spørgsmål" not in pathway.description_da


@pytest.mark.django_db
def test_remote_access_from_a_third_country_asks_for_the_transfer_basis(pathways):
    legal = Pathway.latest(DEFAULT).stages.get(key="legal")
    transfer = legal.items.get(key="legal.third_country_transfer")
    stored_in_eu = {"legal.personal_data": "yes", "agreement.hosting": "eu_cloud"}

    def applies(item, values):
        return is_applicable(item, values, evaluate_rules(values))

    assert not applies(transfer, {**stored_in_eu, "legal.third_country_access": "no"})
    assert applies(transfer, {**stored_in_eu, "legal.third_country_access": "yes"})
    assert applies(transfer, {"agreement.hosting": "outside_eu"})
    # Without personal data the IT architect's questions do not apply.
    location = legal.items.get(key="legal.data_locations")
    assert not applies(location, {"legal.personal_data": "no"})
    assert applies(location, {"legal.personal_data": "yes"})
