"""The dashboard and a new project, as a new user meets them: the checklist column says what it
counts, there is one way to start a project, the form starts on the full procurement pathway and
explains both pathways without version numbers, and the clinical need is asked once."""

import re

import pytest
from django.urls import reverse

from accounts.models import Organisation, User
from checklists.loading import load_pathways
from checklists.models import Pathway
from procurement.gates import load_stage_status
from procurement.models import Action, Answer, HistoryEntry, Project
from procurement.services import NEED_STATEMENT_KEY
from tests.module_data import module_data

FULL, FAST = "indkoeb-ce-maerket-ai", "fast-track-validering"
NEED = "Lange ventetider på beskrivelser af røntgenbilleder: 3 uger i gennemsnit."

shipped = module_data(load_pathways)


@pytest.fixture
def clinician(db, shipped) -> User:
    org = Organisation.objects.create(name="Region Test")
    return User.objects.create_user(username="kl", password="pw", organisation=org)


def form_data(pathway: Pathway, **changes) -> dict:
    data = {
        "title": "Røntgenbeskrivelser med AI",
        "clinical_need": NEED,
        "department": "Radiologi",
        "product_name": "",
        "vendor_name": "",
        "pathway": pathway.pk,
    }
    return {**data, **changes}


def test_the_form_selects_the_newest_full_pathway_and_shows_no_versions(client, clinician):
    client.force_login(clinician)
    response = client.get(reverse("project_create"), HTTP_ACCEPT_LANGUAGE="da")
    body = response.content.decode()
    full, fast = Pathway.latest(FULL), Pathway.latest(FAST)
    assert full.version > 1  # older versions exist and are not offered
    checked = re.findall(r'<input[^>]*name="pathway"[^>]*value="(\d+)"[^>]*checked', body)
    assert checked == [str(full.pk)]
    offered = re.findall(r'name="pathway"[^>]*value="(\d+)"', body)
    assert offered == [str(full.pk), str(fast.pk)]  # the full pathway first
    assert not re.search(r"\(v\d+\)|\bv\d+\b|[Vv]ersion \d", body)
    for pathway in (full, fast):
        summary = body.split(f'id="id_pathway_{offered.index(str(pathway.pk))}-summary">')[1]
        summary = summary.split("</div>")[0]
        assert summary.endswith(f"{pathway.stages.count()} faser.")
        assert summary.count(". ") == 1  # one sentence, then the number of stages


def test_creating_a_project_answers_the_need_statement_once_and_journals_it(client, clinician):
    client.force_login(clinician)
    response = client.post(reverse("project_create"), form_data(Pathway.latest(FULL)))
    project = Project.objects.get()
    assert response.status_code == 302
    answer = Answer.objects.get(project=project)
    assert answer.item.key == NEED_STATEMENT_KEY
    assert answer.item.stage == project.stages[0] == project.current_stage
    assert answer.value == NEED and answer.answered_by == clinician
    entries = list(HistoryEntry.objects.filter(project=project).order_by("seq"))
    assert [(e.action, e.subject) for e in entries] == [
        (Action.CREATED, ""),
        (Action.ANSWERED, NEED_STATEMENT_KEY),
    ]
    assert entries[1].after["value"] == NEED and entries[1].before is None
    status = load_stage_status(project)
    need = next(s for s in status.items if s.item.key == NEED_STATEMENT_KEY)
    assert need.answered and not need.missing
    # The stage page shows the answer in the item, not an empty question.
    page = client.get(reverse("project_detail", args=[project.pk])).content.decode()
    item = page.split(f'data-item-key="{NEED_STATEMENT_KEY}"')[1].split("</article>")[0]
    assert "Lange ventetider på beskrivelser af røntgenbilleder" in item
    # The answer is the need from now on: changed like any other answer, once.
    assert Answer.objects.filter(project=project).count() == 1


def test_the_fast_track_pathway_gets_the_same_first_answer(client, clinician):
    client.force_login(clinician)
    client.post(reverse("project_create"), form_data(Pathway.latest(FAST)))
    answer = Answer.objects.get(project=Project.objects.get())
    assert (answer.item.key, answer.value) == (NEED_STATEMENT_KEY, NEED)


def test_a_refused_form_writes_nothing(client, clinician):
    client.force_login(clinician)
    response = client.post(reverse("project_create"), form_data(Pathway.latest(FULL), title=""))
    assert response.status_code == 200 and response.context["form"].errors["title"]
    assert not Project.objects.exists()
    assert not Answer.objects.exists() and not HistoryEntry.objects.exists()


def test_a_person_without_an_organisation_creates_nothing(client, shipped, db):
    loner = User.objects.create_user(username="alene", password="pw")
    client.force_login(loner)
    response = client.post(reverse("project_create"), form_data(Pathway.latest(FULL)))
    assert response.status_code == 200
    assert not Project.objects.exists() and not Answer.objects.exists()
    assert not HistoryEntry.objects.exists()


def test_an_old_version_cannot_be_chosen(client, clinician):
    client.force_login(clinician)
    old = Pathway.objects.get(slug=FULL, version=1)
    response = client.post(reverse("project_create"), form_data(old))
    assert response.status_code == 200 and response.context["form"].errors["pathway"]
    assert not Project.objects.exists() and not Answer.objects.exists()


def test_the_dashboard_says_what_the_checklist_counts_and_has_one_way_to_start(client, clinician):
    client.force_login(clinician)
    client.post(reverse("project_create"), form_data(Pathway.latest(FULL)))
    project = Project.objects.get()
    status = load_stage_status(project)
    response = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="da")
    body = response.content.decode()
    cell = body.split('data-field="checklist">')[1].split("</td>")[0]
    assert cell == (
        f"{status.answered_count} af {len(status.applicable_items)} punkter besvaret i denne fase"
    )
    assert status.answered_count == 1  # the need statement, from the form
    assert body.count(f'href="{reverse("project_create")}"') == 1
    assert "Start et nyt projekt" not in body


def test_the_dashboard_in_english(client, clinician):
    client.force_login(clinician)
    client.post(reverse("project_create"), form_data(Pathway.latest(FULL)))
    client.cookies.load({"django_language": "en"})
    body = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    cell = body.split('data-field="checklist">')[1].split("</td>")[0]
    assert re.fullmatch(r"1 of \d+ items answered in this stage", cell)
