"""The question box's wiring: asking (page and htmx), escaping, limits, project permissions,
ratings, the question log for content owners, its deletion, and the what-now line."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from assistant.models import QuestionLog, Rating
from checklists.models import Pathway
from procurement import services
from procurement.transitions import request_approval
from tests.personas import complete_need

pytestmark = pytest.mark.django_db
ASK = "/ask/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_question_box_is_on_every_page(client, shipped, team):
    for url in ("/guide/", "/guide/indkoeb-ce-maerket-ai/", "/accounts/login/"):
        html = client.get(url).content.decode()
        assert 'role="search"' in html and 'action="/ask/"' in html, url
    client.force_login(team.clinician)
    html = client.get(f"/projects/{team.project.pk}/").content.decode()
    assert f'name="project" value="{team.project.pk}"' in html


def test_ask_page_and_answer_without_javascript(client, shipped):
    assert client.get(ASK).status_code == 200
    response = client.post(ASK, {"q": "Skal vi lave en DPIA?", "page": "/guide/"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html
    newest = Pathway.objects.filter(slug="indkoeb-ce-maerket-ai").order_by("-version").first()
    assert f"/guide/indkoeb-ce-maerket-ai/v{newest.version}/#item-legal.dpia_done" in html
    entry = QuestionLog.objects.get()
    assert entry.question == "Skal vi lave en DPIA?" and entry.language == "da"
    assert entry.page == "/guide/" and not entry.declined
    assert "indkoeb-ce-maerket-ai:legal.dpia_done" in entry.cited
    assert not any(f.name in ("user", "ip") for f in QuestionLog._meta.fields)


def test_htmx_answer_is_a_partial_and_declines_plainly(client, shipped):
    response = client.post(ASK, {"q": "Hvad er vejret i morgen?"}, **HTMX)
    html = response.content.decode()
    assert "<html" not in html and "Det dækker guiden ikke." in html
    assert 'href="/guide/"' in html
    assert QuestionLog.objects.get().declined


def test_questions_are_escaped(client, shipped):
    response = client.post(ASK, {"q": "<script>alert(1)</script> DPIA"}, **HTMX)
    html = response.content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


def test_too_long_and_empty_questions_are_refused_and_not_logged(client, shipped):
    assert client.post(ASK, {"q": "x" * 301}, **HTMX).status_code == 422
    assert client.post(ASK, {"q": "   "}, **HTMX).status_code == 422
    assert not QuestionLog.objects.exists()


def test_asking_is_post_with_csrf(client, shipped):
    assert Client(enforce_csrf_checks=True).post(ASK, {"q": "DPIA"}).status_code == 403
    assert client.put(ASK).status_code == 405


def test_project_answers_only_for_people_who_may_see_the_project(client, team):
    data = {"q": "Hvad mangler vi?", "project": team.project.pk}
    assert client.post(ASK, data, **HTMX).status_code == 404  # anonymous
    client.force_login(team.outsider)
    assert client.post(ASK, data, **HTMX).status_code == 404
    assert not QuestionLog.objects.exists()
    client.force_login(team.clinician)
    html = client.post(ASK, data, **HTMX).content.decode()
    assert "Her står jeres projekt" in html and "Besvar 1 obligatorisk punkt" in html
    entry = QuestionLog.objects.get()
    assert entry.project_id == team.project.pk and entry.stage_key == "need"
    assert entry.project_answer == "status"


def test_citations_inside_a_project_link_to_the_item(client, team):
    client.force_login(team.clinician)
    data = {"q": "Hvordan beskriver vi problemet?", "project": team.project.pk}
    html = client.post(ASK, data, **HTMX).content.decode()
    item = team.item("need.problem")
    assert f"/projects/{team.project.pk}/stages/need/#item-{item.pk}" in html


def test_rating_an_answer(client, shipped):
    html = client.post(ASK, {"q": "DPIA"}, **HTMX).content.decode()
    token = html.split('action="/ask/rate/')[1].split("/")[0]
    url = f"/ask/rate/{token}/"
    assert client.get(url).status_code == 405
    assert client.post(url, {"helpful": "no"}, **HTMX).status_code == 200
    assert QuestionLog.objects.get().rating == Rating.DOWN
    assert client.post(url, {"helpful": "maybe"}).status_code == 422
    assert client.post("/ask/rate/forged/", {"helpful": "yes"}).status_code == 404


def test_question_log_for_consultants_and_administrators(client, team, shipped):
    client.post(ASK, {"q": "Hvad er vejret i morgen?"})
    client.post(ASK, {"q": "Hvad er vejret i morgen?"})
    assert client.get("/ask/questions/").status_code == 302
    client.force_login(team.clinician)
    assert client.get("/ask/questions/").status_code == 403
    for person in (team.consultant, team.admin):
        client.force_login(person)
        response = client.get("/ask/questions/")
        assert response.status_code == 200
        row = response.context["rows"][0]
        assert (row["question"], row["count"], row["declined"]) == (
            "Hvad er vejret i morgen?",
            2,
            2,
        )


def test_purge_questions_after_the_retention_period(settings, shipped, client):
    settings.ASSISTANT_LOG_RETENTION_DAYS = 30
    client.post(ASK, {"q": "DPIA"})
    client.post(ASK, {"q": "databehandleraftale"})
    old = QuestionLog.objects.get(question="DPIA")
    QuestionLog.objects.filter(pk=old.pk).update(asked_at=timezone.now() - timedelta(days=31))
    call_command("purge_questions")
    assert list(QuestionLog.objects.values_list("question", flat=True)) == ["databehandleraftale"]


def test_what_now_on_the_dashboard_and_the_project_page(client, team):
    complete_need(team)
    client.force_login(team.clinician)
    expected = "Bed om godkendelse nu – alle obligatoriske punkter er besvaret."
    assert expected in client.get("/").content.decode()
    assert expected in client.get(f"/projects/{team.project.pk}/").content.decode()


def test_dashboard_queries_do_not_grow_with_projects_awaiting_approval(
    client, team, pathway, django_assert_max_num_queries
):
    complete_need(team)
    request_approval(project=team.reload(), by=team.clinician)
    client.force_login(team.consultant)
    # The page's fixed cost (the bell's unread count and the deadlines included); what matters
    # is below: four more projects awaiting approval add none. (20: the person's
    # organisation-wide roles and the page of projects, its count and its keys, are three.)
    with django_assert_max_num_queries(20) as first:
        client.get("/")
    for index in range(4):
        project = services.create_project(
            by=team.clinician, pathway=pathway, title=f"P{index}", clinical_need="x",
            department="y",
        )  # fmt: skip
        # Approving roles are given by an administrator (the team rule).
        services.add_member(project=project, by=team.admin, user=team.consultant,
                            role="innovation_consultant")  # fmt: skip
        services.save_answer(project=project, item=team.item("need.problem"), by=team.clinician,
                             value="Et problem")  # fmt: skip
        request_approval(project=project, by=team.clinician)
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get("/")
    assert [row.next_step.code for row in response.context["rows"]] == ["approve"] * 5
