"""Two regions under the nation, each with two content editors, and the test pathway as the
national seed."""

from dataclasses import dataclass

import pytest

from accounts.models import Organisation, OrganisationKind, OrganisationRole, User
from authoring import services
from checklists.models import Pathway
from tests.personas import activate_two_factor

EDITOR = OrganisationRole.Kind.CONTENT_EDITOR


@dataclass
class Regions:
    nation: Organisation
    north: Organisation
    south: Organisation
    hospital: Organisation  # in the north
    north_editor: User
    north_editor2: User
    south_editor: User
    south_editor2: User
    clinician: User  # at the north's hospital
    reader: User  # in the north, no role


def _user(username: str, organisation: Organisation) -> User:
    return User.objects.create_user(username=username, password="pw", organisation=organisation)


@pytest.fixture
def regions(db, pathway) -> Regions:
    nation = Organisation.objects.create(name="Danmark", kind=OrganisationKind.NATION)
    north = Organisation.objects.create(name="Region Nord", parent=nation)
    south = Organisation.objects.create(name="Region Syd", parent=nation)
    hospital = Organisation.objects.create(
        name="Nordhospitalet", parent=north, kind=OrganisationKind.HOSPITAL
    )
    people = {
        "north_editor": _user("nord1", north),
        "north_editor2": _user("nord2", north),
        "south_editor": _user("syd1", south),
        "south_editor2": _user("syd2", south),
    }
    for name, user in people.items():
        OrganisationRole.objects.create(
            user=user, organisation=north if name.startswith("north") else south, role=EDITOR
        )
        # Content editors must use two-factor authentication (sso.mfa).
        activate_two_factor(user)
    return Regions(
        nation=nation,
        north=north,
        south=south,
        hospital=hospital,
        clinician=_user("klinikernord", hospital),
        reader=_user("laeser", north),
        **people,
    )


def publish(draft, *, requester, approver) -> Pathway:
    services.request_approval(by=requester, draft=draft)
    return services.approve_and_publish(by=approver, draft=draft)


@pytest.fixture
def north_copy(regions, pathway) -> Pathway:
    """The north's own copy of the national test pathway, published as its version 1."""
    draft = services.adopt(
        by=regions.north_editor, pathway=pathway, organisation=regions.north, slug="test-nord"
    )
    return publish(draft, requester=regions.north_editor, approver=regions.north_editor2)
