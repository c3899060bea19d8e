"""The what-now line for every demo user on every demo project agrees with the gate."""

import pytest
from django.core.management import call_command
from django.utils import translation

from accounts.models import User
from checklists.loading import load_pathways
from checklists.roles import Role
from procurement import gates
from procurement.gates import blocking_reasons, load_stage_status, next_step
from procurement.models import Action
from procurement.permissions import visible_projects
from tests.module_data import module_data


def seed():
    load_pathways()
    call_command("seed_demo")


seeded_once = module_data(seed, snapshot="demo", DEBUG=True)


@pytest.fixture
def seeded(db, seeded_once):
    """The demo, seeded once for this module."""


def test_every_demo_user_on_every_demo_project(seeded):
    seen = 0
    with translation.override("da"):
        for user in User.objects.all():
            for project in visible_projects(user):
                status = load_stage_status(project)
                step = next_step(project, user, status)
                roles = status.roles_of(user)
                mine = [s for s in status.items if s.missing and s.item.role in roles]
                assert step.message and "%(" not in step.message
                if step.code == gates.NEXT_ANSWER:
                    assert mine and step.message.startswith("Besvar")
                    assert f"{len(mine)} obligatorisk" in step.message
                elif step.code == gates.NEXT_WAIT_FOR_OTHERS:
                    assert not mine and step.message.startswith(("Intet at gøre", "Afventer"))
                    named = step.message.split("venter på ")[-1]
                    assert any(name in named for names in status.people_by_role.values()
                               for name in names)  # fmt: skip
                elif step.code == gates.NEXT_REQUEST_APPROVAL:
                    assert not blocking_reasons(
                        project=project, action=Action.APPROVAL_REQUESTED, status=status, user=user
                    )
                elif step.code == gates.NEXT_SIGN_OFF:
                    assert any(s.item.signoff_role in roles for s in status.items)
                elif step.code == gates.NEXT_APPROVE:
                    assert Role.INNOVATION_CONSULTANT in roles
                seen += 1
    assert seen >= 4 * 6
