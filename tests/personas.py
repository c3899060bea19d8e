"""Named personas and helpers to move a project through the test pathway."""

from dataclasses import dataclass
from pathlib import Path

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Organisation, OrganisationRole, User
from checklists.loading import load_pathways
from checklists.models import ChecklistItem, Pathway
from checklists.roles import APPROVING_ROLES
from procurement import services
from procurement.models import Action, Project
from procurement.transitions import perform_transition, request_approval

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "pathways"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def load_test_pathway() -> Pathway:
    load_pathways([FIXTURES / "test-pathway.v1.yaml"])
    return Pathway.objects.get(slug="test-pathway", version=1)


@dataclass
class Team:
    organisation: Organisation
    clinician: User  # the owner
    consultant: User
    consultant2: User
    lawyer: User
    it_architect: User
    procurement: User
    ai_competence: User
    outsider: User  # same organisation, not on the project
    foreigner: User  # another organisation
    admin: User
    project: Project

    def item(self, key: str) -> ChecklistItem:
        return ChecklistItem.objects.get(stage__pathway=self.project.pathway, key=key)

    def reload(self) -> Project:
        self.project = Project.objects.get(pk=self.project.pk)
        return self.project


def _user(username: str, organisation: Organisation, **extra) -> User:
    user = User.objects.create_user(
        username=username,
        password="pw",
        first_name=username.title(),
        organisation=organisation,
        **extra,
    )
    return user


def activate_two_factor(user: User) -> User:
    """Give a person an authenticator app: administrators and content editors must use
    two-factor authentication (sso.mfa) and are otherwise sent to set it up from every page."""
    TOTP.activate(user, generate_totp_secret())
    return user


def make_team(pathway: Pathway) -> Team:
    org = Organisation.objects.create(name="Region Test")
    other = Organisation.objects.create(name="Region Anden")
    people = {
        name: _user(name, org)
        for name in (
            "clinician",
            "consultant",
            "consultant2",
            "lawyer",
            "it_architect",
            "procurement",
            "ai_competence",
            "outsider",
        )
    }
    foreigner = _user("foreigner", other)
    admin = _user("admin", org, is_superuser=True, is_staff=True)
    activate_two_factor(admin)
    project = services.create_project(
        by=people["clinician"],
        pathway=pathway,
        title="Testprojekt",
        clinical_need="Et klinisk behov.",
        department="Testafdeling",
    )
    roles = {
        "consultant": "innovation_consultant",
        "consultant2": "innovation_consultant",
        "lawyer": "lawyer",
        "it_architect": "it_architect",
        "procurement": "procurement",
        "ai_competence": "ai_competence",
    }
    for name, role in roles.items():
        by = admin if role in APPROVING_ROLES else people["clinician"]
        services.add_member(project=project, by=by, user=people[name], role=role)
    return Team(
        organisation=org,
        foreigner=foreigner,
        admin=admin,
        project=project,
        **people,
    )


def answer(team: Team, key: str, value: str = "", *, by=None, justification: str = "", upload=None):
    item = team.item(key)
    return services.save_answer(
        project=team.reload(),
        item=item,
        by=by or team.clinician,
        value=value,
        justification=justification,
        upload=upload,
    )


def pdf_upload(name: str = "dpia.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, "application/pdf")


def complete_need(team: Team) -> None:
    answer(team, "need.problem", "Lange ventetider.")


def complete_legal(team: Team) -> None:
    """The owner answers, the lawyer and the IT architect sign off: a second pair of eyes."""
    answer(team, "legal.personal_data", "yes", by=team.lawyer)
    answer(team, "legal.dpia", by=team.clinician, upload=pdf_upload())
    answer(team, "legal.hosting", "eu_cloud", by=team.clinician)
    services.sign_off(project=team.reload(), item=team.item("legal.dpia"), by=team.lawyer)
    services.sign_off(project=team.reload(), item=team.item("legal.hosting"), by=team.it_architect)


def advance(team: Team) -> Project:
    """Request and approve the current stage (its checklist must be complete)."""
    request_approval(project=team.reload(), by=team.clinician)
    return perform_transition(
        project=team.reload(), action=Action.APPROVED, by=team.consultant, comment="ok"
    )


def move_to(team: Team, stage_key: str) -> Project:
    """Take the project forward to `stage_key`, completing checklists on the way."""
    completers = {"need": complete_need, "legal": complete_legal}
    while team.reload().state != stage_key:
        completers[team.project.state](team)
        advance(team)
    return team.reload()


def with_organisation_roles(team: Team) -> Team:
    """The shared team, its project moved into a department of a hospital of Region Test, plus
    people with organisation-wide roles at several places in the tree."""
    region = team.organisation
    region.kind = "region"
    region.save()
    hospital = Organisation.objects.create(name="Testhospital", kind="hospital", parent=region)
    sibling = Organisation.objects.create(name="Søsterhospital", kind="hospital", parent=region)
    department = Organisation.objects.create(
        name="Testafdeling", kind="department", parent=hospital
    )
    Project.objects.filter(pk=team.project.pk).update(organisation=department)
    other = Organisation.objects.get(name="Region Anden")
    for name, node, role in (
        ("region_consultant", region, "innovation_consultant"),
        ("region_lawyer", region, "lawyer"),
        ("sibling_consultant", sibling, "innovation_consultant"),
        ("other_region_consultant", other, "innovation_consultant"),
        ("editor", region, "content_editor"),
    ):
        user = User.objects.create_user(
            username=name, password="pw", first_name=name, organisation=node
        )
        OrganisationRole.objects.create(user=user, organisation=node, role=role)
        setattr(team, name, user)
    team.reload()
    return team
