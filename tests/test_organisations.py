"""The organisation tree and organisation-wide roles (issue 16): the tree keeps its paths, a
role for a node reaches everything below it and nothing beside or above it, people from another
region join a team only by the owner's invitation, and the dashboard of a region-wide consultant
is read in the same number of queries however many projects the region has."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from accounts.models import Organisation, OrganisationRole, User
from accounts.organisations import in_same_region, region_path
from procurement import services
from procurement.models import Membership, Project
from procurement.permissions import get_visible_project, roles_of, visible_projects


@pytest.fixture
def tree(db):
    nation = Organisation.objects.create(name="Danmark", kind="nation")
    syd = Organisation.objects.create(name="Syd", kind="region", parent=nation)
    ouh = Organisation.objects.create(name="OUH", kind="hospital", parent=syd)
    slb = Organisation.objects.create(name="SLB", kind="hospital", parent=syd)
    heart = Organisation.objects.create(name="Hjerte", kind="department", parent=ouh)
    midt = Organisation.objects.create(name="Midt", kind="region", parent=nation)
    auh = Organisation.objects.create(name="AUH", kind="hospital", parent=midt)
    return {o.name: o for o in (nation, syd, ouh, slb, heart, midt, auh)}


def person(name: str, organisation: Organisation, *roles: str, node=None) -> User:
    user = User.objects.create_user(
        username=name, password="pw", first_name=name.title(), organisation=organisation
    )
    for role in roles:
        OrganisationRole.objects.create(user=user, organisation=node or organisation, role=role)
    return user


def project_in(pathway, owner: User, organisation: Organisation, title: str) -> Project:
    return services.create_project(
        by=owner,
        pathway=pathway,
        title=title,
        clinical_need="Et behov.",
        department="Afdeling",
        organisation=organisation,
    )


# --- the tree ---------------------------------------------------------------------------------


def test_paths_follow_the_tree_and_a_moved_hospital_takes_its_departments(tree):
    ouh, heart, midt = tree["OUH"], tree["Hjerte"], tree["Midt"]
    assert heart.path == f"/{tree['Danmark'].pk}/{tree['Syd'].pk}/{ouh.pk}/{heart.pk}/"
    assert heart.ancestor_ids == [tree["Danmark"].pk, tree["Syd"].pk, ouh.pk, heart.pk]
    ouh.parent = midt
    ouh.save()
    heart.refresh_from_db()
    assert heart.path == f"{midt.path}{ouh.pk}/{heart.pk}/"
    assert tree["SLB"].path.startswith(tree["Syd"].path)  # the sibling did not move


def test_a_node_cannot_be_put_under_itself_or_its_units(tree):
    syd = tree["Syd"]
    syd.parent = tree["Hjerte"]
    with pytest.raises(ValidationError):
        syd.full_clean()
    with pytest.raises(ValidationError):
        syd.save()
    syd.refresh_from_db()
    assert syd.parent == tree["Danmark"]


def test_kinds_go_downwards(tree):
    region = Organisation(name="Forkert", kind="region", parent=tree["OUH"])
    with pytest.raises(ValidationError) as excinfo:
        region.full_clean()
    assert "kind" in excinfo.value.message_dict
    assert not Organisation.objects.filter(name="Forkert").exists()


def test_names_are_unique_under_one_parent_only(tree):
    Organisation.objects.create(name="Hjerte", kind="department", parent=tree["SLB"])
    with pytest.raises(ValidationError):
        Organisation(name="Hjerte", kind="department", parent=tree["OUH"]).validate_constraints()


def test_the_region_of_a_department_is_its_region(tree):
    assert region_path(tree["Hjerte"]) == tree["Syd"].path
    assert in_same_region(tree["Hjerte"], tree["SLB"])
    assert not in_same_region(tree["Hjerte"], tree["AUH"])


# --- who sees and acts ------------------------------------------------------------------------


def test_a_role_reaches_everything_below_its_node_and_nothing_beside_it(tree, pathway):
    owner = person("ejer", tree["Hjerte"])
    in_heart = project_in(pathway, owner, tree["Hjerte"], "Hjerteprojekt")
    at_slb = project_in(pathway, person("slbejer", tree["SLB"]), tree["SLB"], "SLB-projekt")
    in_midt = project_in(pathway, person("midtejer", tree["AUH"]), tree["AUH"], "Midtprojekt")
    regional = person("regional", tree["Syd"], "innovation_consultant")
    hospital_lawyer = person("ouhjurist", tree["OUH"], "lawyer")
    national = person("national", tree["Danmark"], "ai_competence")
    editor = person("redaktoer", tree["Syd"], "content_editor")

    def seen(user):
        return set(visible_projects(user).values_list("title", flat=True))

    assert seen(regional) == {"Hjerteprojekt", "SLB-projekt"}
    assert seen(hospital_lawyer) == {"Hjerteprojekt"}
    assert seen(national) == {"Hjerteprojekt", "SLB-projekt", "Midtprojekt"}
    assert seen(editor) == set()  # a content editor edits guidelines, not projects
    assert roles_of(in_heart, regional) == {"innovation_consultant"}
    assert roles_of(in_heart, hospital_lawyer) == {"lawyer"}
    assert roles_of(at_slb, hospital_lawyer) == set()
    assert roles_of(in_midt, regional) == set()
    with pytest.raises(Http404):
        get_visible_project(regional, in_midt.pk)
    # No team rows were written for anyone: the roles come from the tree.
    assert not Membership.objects.filter(user__in=[regional, hospital_lawyer, national]).exists()


def test_a_removed_organisation_role_removes_the_access(tree, pathway):
    project = project_in(pathway, person("ejer", tree["Hjerte"]), tree["Hjerte"], "P")
    regional = person("regional", tree["Syd"], "innovation_consultant")
    assert get_visible_project(regional, project.pk) == project
    OrganisationRole.objects.filter(user=regional).delete()
    regional = User.objects.get(pk=regional.pk)  # a new request
    with pytest.raises(Http404):
        get_visible_project(regional, project.pk)


def test_other_region_pages_are_404_and_own_region_pages_open(client, tree, pathway):
    project = project_in(pathway, person("ejer", tree["Hjerte"]), tree["Hjerte"], "P")
    client.force_login(person("midtkonsulent", tree["Midt"], "innovation_consultant"))
    for name in ("project_detail", "project_team", "project_history"):
        assert client.get(reverse(name, args=[project.pk])).status_code == 404
    client.force_login(person("regional", tree["Syd"], "innovation_consultant"))
    response = client.get(reverse("project_team", args=[project.pk]))
    assert response.status_code == 200
    assert "Regional" in response.content.decode()  # listed among the organisation-wide roles


def test_a_project_starts_only_in_the_creators_region(tree, pathway):
    owner = person("ejer", tree["Hjerte"])
    assert project_in(pathway, owner, tree["SLB"], "I regionen").organisation == tree["SLB"]
    with pytest.raises(ValidationError):
        project_in(pathway, owner, tree["AUH"], "Udenfor")
    assert not Project.objects.filter(title="Udenfor").exists()


# --- teams across regions ---------------------------------------------------------------------


def test_the_owner_invites_from_another_region_and_a_consultant_cannot(client, tree, pathway):
    owner = person("ejer", tree["Hjerte"])
    project = project_in(pathway, owner, tree["Hjerte"], "Nationalt projekt")
    consultant = person("konsulent", tree["OUH"])
    services.add_member(project=project, by=User.objects.create_superuser("root", "", "pw"),
                        user=consultant, role="innovation_consultant")  # fmt: skip
    guest = person("gaest", tree["AUH"])
    url = reverse("member_add", args=[project.pk])

    client.force_login(consultant)
    response = client.post(url, {"invite": "gaest", "role": "lawyer"})
    assert response.status_code == 400
    assert not Membership.objects.filter(project=project, user=guest).exists()
    # The consultant's form has no invitation field, and the region's list does not offer guest.
    form = response.context["member_form"]
    assert "invite" not in form.fields
    assert guest not in form.fields["user"].queryset
    with pytest.raises(ValidationError):
        services.add_member(project=project, by=consultant, user=guest, role="lawyer")

    client.force_login(owner)
    response = client.get(reverse("project_team", args=[project.pk]))
    assert "invite" in response.context["member_form"].fields
    response = client.post(url, {"invite": "GAEST", "role": "lawyer"})
    assert response.status_code == 302
    assert roles_of(project, guest) == {"lawyer"}
    assert get_visible_project(guest, project.pk) == project


def test_an_invitation_names_one_existing_person(client, tree, pathway):
    owner = person("ejer", tree["Hjerte"])
    project = project_in(pathway, owner, tree["Hjerte"], "P")
    person("a", tree["AUH"]).__class__.objects.filter(username="a").update(email="x@example.org")
    person("b", tree["AUH"]).__class__.objects.filter(username="b").update(email="x@example.org")
    client.force_login(owner)
    url = reverse("member_add", args=[project.pk])
    for invite in ("nobody", "x@example.org"):
        response = client.post(url, {"invite": invite, "role": "lawyer"})
        assert response.status_code == 400
        assert response.context["member_form"].errors["invite"]
    response = client.post(url, {"role": "lawyer"})
    assert response.status_code == 400
    assert Membership.objects.filter(project=project).count() == 1  # the owner only


# --- scale ------------------------------------------------------------------------------------


def test_a_region_consultants_dashboard_does_not_grow_with_the_region(
    client, tree, pathway, django_assert_max_num_queries
):
    owner = person("ejer", tree["Hjerte"])
    project_in(pathway, owner, tree["Hjerte"], "P0")
    regional = person("regional", tree["Syd"], "innovation_consultant")
    person("ouhjurist", tree["OUH"], "lawyer")
    client.force_login(regional)
    with django_assert_max_num_queries(30) as first:
        response = client.get("/")
    assert len(response.context["rows"]) == 1
    for index, node in enumerate(("SLB", "OUH", "Hjerte", "Syd", "SLB")):
        project_in(pathway, person(f"ejer{index}", tree[node]), tree[node], f"P{index + 1}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get("/")
    assert len(response.context["rows"]) == 6


def test_the_dashboard_pages_many_projects_and_keeps_what_awaits_the_person_on_every_page(
    client, tree, pathway, settings, monkeypatch
):
    from checklists.models import ChecklistItem
    from procurement import dashboard
    from procurement.transitions import request_approval

    monkeypatch.setattr(dashboard, "PAGE_SIZE", 3)
    owner = person("ejer", tree["Hjerte"])
    projects = [project_in(pathway, owner, tree["Hjerte"], f"P{i}") for i in range(7)]
    regional = person("regional", tree["Syd"], "innovation_consultant")
    # The oldest project asks for approval: it is on the last page of the table, but the
    # consultant's "awaits your approval" list has it on the first.
    first = projects[0]
    item = ChecklistItem.objects.get(stage=first.current_stage, key="need.problem")
    services.save_answer(project=first, item=item, by=owner, value="Lange ventetider.")
    request_approval(project=Project.objects.get(pk=first.pk), by=owner)
    Project.objects.filter(pk=first.pk).update(updated_at=first.created_at)
    client.force_login(regional)
    response = client.get("/")
    titles = [row.project.title for row in response.context["rows"]]
    assert len(titles) == 3
    assert "P0" not in titles
    assert [row.project.title for row in response.context["approvals"]] == ["P0"]
    assert "1–3 af 7" in response.content.decode()
    last = client.get("/?page=3")
    assert [row.project.title for row in last.context["rows"]] == ["P0"]
    assert client.get("/?page=99").context["page_obj"].number == 3  # the last page
    assert client.get("/?page=x").context["page_obj"].number == 1


def test_the_new_project_form_offers_the_units_below_the_creator(client, tree, pathway):
    regional = person("regionklinker", tree["Syd"])
    client.force_login(regional)
    form = client.get(reverse("project_create")).context["form"]
    offered = list(form.fields["organisation"].queryset)
    assert offered[0] == tree["Syd"] and tree["Hjerte"] in offered
    assert tree["AUH"] not in offered and tree["Danmark"] not in offered
    data = {
        "title": "I afdelingen",
        "clinical_need": "Et behov.",
        "department": "Hjerte",
        "pathway": pathway.pk,
        "organisation": tree["Hjerte"].pk,
    }
    assert client.post(reverse("project_create"), data).status_code == 302
    assert Project.objects.get(title="I afdelingen").organisation == tree["Hjerte"]
    # Another region's hospital is no choice: refused, nothing written.
    response = client.post(
        reverse("project_create"), {**data, "title": "Udenfor", "organisation": tree["AUH"].pk}
    )
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not Project.objects.filter(title="Udenfor").exists()
    # A department's clinician has nothing to choose.
    client.force_login(person("afdelingslaege", tree["Hjerte"]))
    assert "organisation" not in client.get(reverse("project_create")).context["form"].fields
