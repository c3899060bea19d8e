"""Each view's wiring through the test client: GET on a POST-only view is 405, an outsider gets
404, a reader gets 403, the happy path works; and what was not written when something fails."""

import pytest
from django.urls import reverse

from procurement.models import Action, Answer, HistoryEntry, Membership, Project, SignOff
from procurement.transitions import request_approval
from tests.personas import answer, complete_legal, complete_need, move_to


def url(name, team, **kwargs):
    return reverse(name, kwargs={"project_id": team.project.pk, **kwargs})


POST_ONLY = [
    ("member_add", {}),
    ("answer_save", {"item_id": "need.problem"}),
    ("signoff_create", {"item_id": "need.problem"}),
    ("approval_request", {}),
    ("project_transition", {"action": "approve"}),
]
READ_VIEWS = ["project_detail", "project_team", "project_history"]


def resolve(team, name, kwargs):
    kwargs = dict(kwargs)
    if "item_id" in kwargs:
        kwargs["item_id"] = team.item(kwargs["item_id"]).pk
    return url(name, team, **kwargs)


@pytest.mark.parametrize(("name", "kwargs"), POST_ONLY)
def test_get_on_post_only_view_is_405(client, team, name, kwargs):
    client.force_login(team.clinician)
    assert client.get(resolve(team, name, kwargs)).status_code == 405


@pytest.mark.parametrize(("name", "kwargs"), POST_ONLY)
@pytest.mark.parametrize("person", ["outsider", "foreigner"])
def test_outsider_gets_404_on_posts(client, team, name, kwargs, person):
    client.force_login(getattr(team, person))
    assert client.post(resolve(team, name, kwargs), {"comment": "x"}).status_code == 404


@pytest.mark.parametrize("name", READ_VIEWS)
@pytest.mark.parametrize("person", ["outsider", "foreigner"])
def test_outsider_gets_404_on_pages(client, team, name, person):
    client.force_login(getattr(team, person))
    assert client.get(url(name, team)).status_code == 404


@pytest.mark.parametrize("name", READ_VIEWS)
@pytest.mark.parametrize(
    "person",
    ["clinician", "consultant", "lawyer", "it_architect", "procurement", "ai_competence", "admin"],
)
def test_members_and_admin_read_every_page(client, team, name, person):
    complete_need(team)
    client.force_login(getattr(team, person))
    response = client.get(url(name, team))
    assert response.status_code == 200
    assert "Testprojekt" in response.content.decode()


def test_anonymous_is_sent_to_login(client, team):
    response = client.get(url("project_detail", team))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_dashboard_lists_only_own_projects(client, team, pathway):
    client.force_login(team.outsider)
    response = client.get("/")
    assert "Testprojekt" not in response.content.decode()
    client.force_login(team.clinician)
    assert "Testprojekt" in client.get("/").content.decode()


def test_dashboard_shows_approval_waiting_for_consultant(client, team):
    complete_need(team)
    request_approval(project=team.reload(), by=team.clinician)
    client.force_login(team.consultant)
    response = client.get("/")
    assert len(response.context["approvals"]) == 1
    client.force_login(team.clinician)
    assert client.get("/").context["approvals"] == []


def test_dashboard_queries_do_not_grow_with_projects(
    client, team, pathway, django_assert_max_num_queries
):
    from procurement import services

    client.force_login(team.clinician)
    # 16 for the dashboard (2 of them the organisation-wide roles: where the person holds one,
    # and who holds one above the projects; 2 the page of projects: their count and keys), 2
    # for deadlines (stage targets, assignments), 1 for open monitoring incidents, 1 for the
    # header's unread-notification count.
    with django_assert_max_num_queries(20) as first:
        client.get("/")
    for index in range(5):
        services.create_project(
            by=team.clinician, pathway=pathway, title=f"P{index}", clinical_need="x", department="y"
        )
    with django_assert_max_num_queries(len(first.captured_queries)):
        response = client.get("/")
    assert len(response.context["rows"]) == 6


def test_project_page_queries_do_not_grow_with_answers(client, team, django_assert_max_num_queries):
    move_to(team, "legal")
    client.force_login(team.lawyer)
    with django_assert_max_num_queries(30) as before:
        client.get(url("project_detail", team))
    complete_legal(team)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(url("project_detail", team))


# --- creating a project --------------------------------------------------------------------


def test_create_project(client, team, pathway):
    client.force_login(team.lawyer)
    response = client.post(
        reverse("project_create"),
        {
            "title": "Ny AI",
            "clinical_need": "Behov",
            "department": "Afd.",
            "pathway": pathway.pk,
        },
    )
    project = Project.objects.get(title="Ny AI")
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.pk}/"
    assert project.owner == team.lawyer and project.state == "need"


def test_create_project_bad_input_writes_nothing(client, team, pathway):
    client.force_login(team.lawyer)
    before = Project.objects.count()
    response = client.post(reverse("project_create"), {"title": "", "pathway": pathway.pk})
    assert response.status_code == 200
    assert "title" in response.context["form"].errors
    assert Project.objects.count() == before


# --- team ----------------------------------------------------------------------------------


def test_owner_adds_and_removes_member(client, team):
    client.force_login(team.clinician)
    response = client.post(url("member_add", team), {"user": team.outsider.pk, "role": "lawyer"})
    assert response.status_code == 302
    membership = Membership.objects.get(project=team.project, user=team.outsider)
    response = client.post(url("member_remove", team, membership_id=membership.pk))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_member_who_does_not_manage_the_team_cannot_add(client, team):
    client.force_login(team.lawyer)
    response = client.post(url("member_add", team), {"user": team.outsider.pk, "role": "lawyer"})
    assert response.status_code == 403
    assert not Membership.objects.filter(user=team.outsider).exists()


def test_cannot_add_person_from_another_organisation(client, team):
    client.force_login(team.clinician)
    response = client.post(url("member_add", team), {"user": team.foreigner.pk, "role": "lawyer"})
    assert response.status_code == 400
    assert not Membership.objects.filter(user=team.foreigner).exists()


def test_duplicate_membership_is_refused_clearly(client, team):
    client.force_login(team.clinician)
    response = client.post(url("member_add", team), {"user": team.lawyer.pk, "role": "lawyer"})
    assert response.status_code == 400
    assert "har allerede rollen" in response.content.decode()


def test_owner_cannot_be_removed(client, team):
    client.force_login(team.clinician)
    owner = Membership.objects.get(project=team.project, user=team.clinician)
    client.post(url("member_remove", team, membership_id=owner.pk))
    assert Membership.objects.filter(pk=owner.pk).exists()


# --- answers -------------------------------------------------------------------------------


def post_answer(client, team, key, data, **extra):
    item = team.item(key)
    prefixed = {f"item{item.pk}-{k}": v for k, v in data.items()}
    return client.post(url("answer_save", team, item_id=item.pk), prefixed, **extra)


def test_inline_answer_returns_partial_with_saved_status_and_panel(client, team):
    client.force_login(team.clinician)
    response = post_answer(
        client, team, "need.problem", {"value": "Ventetid"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Gemt kl." in body
    assert 'id="gate-panel"' in body and 'hx-swap-oob="true"' in body
    assert Answer.objects.get(item__key="need.problem").value == "Ventetid"


def test_answer_without_htmx_redirects_to_item(client, team):
    client.force_login(team.clinician)
    response = post_answer(client, team, "need.problem", {"value": "Ventetid"})
    item = team.item("need.problem")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{item.pk}")


def test_reader_cannot_answer(client, team):
    client.force_login(team.procurement)
    response = post_answer(client, team, "need.problem", {"value": "x"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_wrong_role_cannot_answer(client, team):
    move_to(team, "legal")
    client.force_login(team.it_architect)
    response = post_answer(client, team, "legal.personal_data", {"value": "yes"})
    assert response.status_code == 403
    assert not Answer.objects.filter(item__key="legal.personal_data").exists()


def test_item_of_other_stage_cannot_be_answered(client, team):
    client.force_login(team.clinician)
    response = post_answer(
        client, team, "legal.personal_data", {"value": "yes"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert not Answer.objects.filter(item__key="legal.personal_data").exists()


@pytest.mark.parametrize(
    ("key", "data", "message"),
    [
        ("legal.personal_data", {"value": "na", "justification": ""}, "Forklar hvorfor"),
        ("legal.personal_data", {"value": "maybe"}, "Marker en gyldig valgmulighed"),
        ("legal.hosting", {"value": "mars"}, "Marker en gyldig valgmulighed"),
        ("legal.decision_date", {"value": "31-02-2026"}, "Indtast en gyldig dato"),
        ("legal.link", {"value": "javascript:alert(1)"}, "Indtast en gyldig URL"),
        ("legal.link", {"value": "file:///etc/passwd"}, "Indtast en gyldig URL"),
    ],
)
def test_bad_answers_get_a_message_and_write_nothing(client, team, key, data, message):
    move_to(team, "legal")
    client.force_login(team.clinician)  # the owner may answer every item
    response = post_answer(client, team, key, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Answer.objects.filter(item__key=key).exists()


def test_bad_number(client, team):
    client.force_login(team.clinician)
    response = post_answer(
        client, team, "need.patients_per_year", {"value": "mange"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("1.250,5", "1250.5"), ("1250", "1250"), ("1,250.5", "1250.5"), ("12,75", "12.75")],
)
def test_numbers_in_danish_and_english_format(client, team, typed, stored):
    client.force_login(team.clinician)
    post_answer(client, team, "need.patients_per_year", {"value": typed}, HTTP_HX_REQUEST="true")
    assert Answer.objects.get(item__key="need.patients_per_year").value == stored


# --- sign-off ------------------------------------------------------------------------------


def test_signoff_by_role_holder(client, team):
    move_to(team, "legal")
    answer(team, "legal.hosting", "eu_cloud", by=team.clinician)
    client.force_login(team.it_architect)
    item = team.item("legal.hosting")
    response = client.post(url("signoff_create", team, item_id=item.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Afkvitteret af" in response.content.decode()
    assert SignOff.objects.filter(item=item, user=team.it_architect).count() == 1


def test_signoff_by_wrong_role_is_403(client, team):
    move_to(team, "legal")
    answer(team, "legal.hosting", "eu_cloud", by=team.clinician)
    client.force_login(team.lawyer)
    item = team.item("legal.hosting")
    assert client.post(url("signoff_create", team, item_id=item.pk)).status_code == 403
    assert not SignOff.objects.exists()


def test_signoff_before_answer_is_refused(client, team):
    move_to(team, "legal")
    client.force_login(team.it_architect)
    item = team.item("legal.hosting")
    response = client.post(url("signoff_create", team, item_id=item.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 422
    assert not SignOff.objects.exists()


# --- approval and transitions ---------------------------------------------------------------


def test_request_then_approve_through_the_web(client, team):
    complete_need(team)
    client.force_login(team.clinician)
    assert client.post(url("approval_request", team)).status_code == 302
    client.force_login(team.consultant)
    page = client.get(url("project_detail", team))
    assert page.context["actions"]["approve"].reasons == []
    response = client.post(url("project_transition", team, action="approve"), {"comment": "Ja"})
    assert response.status_code == 302
    assert team.reload().state == "legal"
    entry = HistoryEntry.objects.filter(project=team.project).last()
    assert (entry.action, entry.by, entry.comment) == (Action.APPROVED, team.consultant, "Ja")


def test_the_decision_panels_are_named_by_their_action_and_post_to_its_url(client, team):
    move_to(team, "legal")
    client.force_login(team.consultant)
    response = client.get(url("project_detail", team))
    assert set(response.context["actions"]) == {
        Action.APPROVAL_REQUESTED,
        Action.APPROVED,
        Action.RETURNED,
        Action.STOPPED,
    }
    body = response.content.decode()
    assert f'action="{url("project_transition", team, action="return_to")}"' in body
    assert 'id="id_return_target"' in body  # the element ids are as before
    assert f'action="{url("approval_request", team)}"' in body


def test_approve_button_disabled_with_reasons_while_gate_closed(client, team):
    client.force_login(team.consultant)
    response = client.get(url("project_detail", team))
    panel = response.context["actions"]["approve"]
    assert [r.code for r in panel.reasons] == ["not_requested", "required_unanswered"]
    body = response.content.decode()
    assert 'disabled aria-describedby="approve-reasons"' in body


def test_posting_approve_directly_with_gate_closed_changes_nothing(client, team):
    before = HistoryEntry.objects.filter(project=team.project).count()
    client.force_login(team.consultant)
    response = client.post(url("project_transition", team, action="approve"), {"comment": ""})
    assert response.status_code == 303
    assert team.reload().state == "need"
    assert not HistoryEntry.objects.filter(project=team.project, action=Action.APPROVED).exists()
    assert HistoryEntry.objects.filter(project=team.project).count() == before


def test_reader_posting_approve_gets_403(client, team):
    complete_need(team)
    request_approval(project=team.reload(), by=team.clinician)
    client.force_login(team.procurement)
    response = client.post(url("project_transition", team, action="approve"), {"comment": ""})
    assert response.status_code == 403
    assert team.reload().state == "need"


def test_four_eyes_through_the_web(client, team):
    complete_need(team)
    request_approval(project=team.reload(), by=team.consultant)
    client.force_login(team.consultant)
    response = client.post(url("project_transition", team, action="approve"), {"comment": ""})
    assert response.status_code == 403
    assert team.reload().state == "need"


def test_return_needs_a_reason(client, team):
    move_to(team, "legal")
    client.force_login(team.consultant)
    response = client.post(
        url("project_transition", team, action="return_to"), {"target": "need", "comment": ""}
    )
    assert response.status_code == 302
    assert team.reload().state == "legal"
    response = client.post(
        url("project_transition", team, action="return_to"),
        {"target": "need", "comment": "Behovet er uklart"},
    )
    assert team.reload().state == "need"
    assert HistoryEntry.objects.filter(project=team.project).last().comment == "Behovet er uklart"


def test_stop_and_reopen_through_the_web(client, team):
    client.force_login(team.consultant)
    client.post(url("project_transition", team, action="stop"), {"comment": "Ingen midler"})
    assert team.reload().state == "stopped"
    client.post(url("project_transition", team, action="reopen"), {"comment": ""})
    assert team.reload().state == "need"


def test_unknown_action_is_404(client, team):
    client.force_login(team.consultant)
    assert client.post(url("project_transition", team, action="teleport")).status_code == 404


def test_clinician_cannot_stop(client, team):
    client.force_login(team.clinician)
    response = client.post(url("project_transition", team, action="stop"), {"comment": "x"})
    assert response.status_code == 403
    assert team.reload().state == "need"


def test_history_page_shows_who_when_from_to_why(client, team):
    move_to(team, "legal")
    client.force_login(team.procurement)
    body = client.get(url("project_history", team)).content.decode()
    assert "Afklar behov" in body and "Juridisk vurdering" in body and "Consultant" in body


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_503_when_database_fails(client, db, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database down")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", broken_cursor)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_english_by_browser_language(client, team):
    client.force_login(team.clinician)
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your projects" in body
    body = client.get("/", HTTP_ACCEPT_LANGUAGE="da").content.decode()
    assert "Dine projekter" in body


def test_language_switch(client, team):
    client.force_login(team.clinician)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Your projects" in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1.250", "1250"),
        ("1,250", "1250"),
        ("1.644.638,50", "1644638.50"),
        ("1,644,638.50", "1644638.50"),
        ("12,5", "12.5"),
        ("12.5", "12.5"),
        ("1.25", "1.25"),
        ("-3", "-3"),
        (" 2 500 ", "2500"),
        ("mange", None),
        ("1e999999", None),
        ("NaN", None),
    ],
)
def test_parse_decimal(typed, expected):
    from decimal import Decimal

    from procurement.forms import parse_decimal

    result = parse_decimal(typed)
    assert result == (Decimal(expected) if expected is not None else None)


def test_optional_item_has_no_required_marker_and_may_be_emptied(client, team):
    client.force_login(team.clinician)
    item = team.item("need.patients_per_year")
    page = client.get(url("project_detail", team))
    row = next(r for r in page.context["rows"] if r.item.pk == item.pk)
    assert row.form.fields["value"].required is False
    response = post_answer(
        client, team, "need.patients_per_year", {"value": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200


def test_saved_number_is_shown_in_danish_for_editing(client, team):
    client.force_login(team.clinician)
    post_answer(client, team, "need.patients_per_year", {"value": "1250,5"}, HTTP_HX_REQUEST="true")
    page = client.get(url("project_detail", team))
    row = next(r for r in page.context["rows"] if r.item.key == "need.patients_per_year")
    assert row.form.initial["value"] == "1250,5"


def test_404_page_is_friendly(client, team):
    client.force_login(team.outsider)
    response = client.get(url("project_detail", team))
    assert response.status_code == 404
    assert "kun synlige for deres team" in response.content.decode()


def test_the_last_stage_says_what_is_open_without_promising_an_approval(team):
    """Issue 19: the monitoring stage has nothing to approve, so its panel does not say "before
    this stage can be approved"."""
    from django.utils import translation

    from procurement.gates import load_stage_status
    from procurement.project_page import gate_panel
    from tests.personas import move_to

    move_to(team, "monitoring")
    project = team.reload()
    with translation.override("da"):
        panel = gate_panel(project, load_stage_status(project))
    assert panel["reasons"], "the test pathway's last stage has an open item"
    assert panel["headline"] == "Åbent i den sidste fase (her er intet at godkende):"
