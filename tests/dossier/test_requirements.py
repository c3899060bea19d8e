"""The requirements list: validation, the gate, the services, the inline editing views and their
permissions, and the Word export."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from docx import Document

from dossier import requirements as service
from dossier.models import Requirement
from dossier.permissions import can_edit_requirements
from procurement.gates import blocking_reasons, load_stage_status
from procurement.models import Action
from procurement.transitions import perform_transition
from tests.personas import advance

from .conftest import add_valid_requirements, complete_need, complete_requirements

HTMX = {"HTTP_HX_REQUEST": "true"}


def add(team, text="Krav", kind="minimum", weight=None, **extra):
    return service.add_requirement(
        project=team.reload(), by=team.procurement, text=text, kind=kind, weight=weight, **extra
    )


def positions(team) -> list[tuple[int, str]]:
    return list(Requirement.objects.filter(project=team.project).values_list("position", "text"))


def form_data(prefix, **values):
    data = {"kind": "minimum", "weight": "", "text": "", "verification": "", "source": ""}
    data.update(values)
    return {f"{prefix}-{key}": value for key, value in data.items()}


# --- validation and the gate -----------------------------------------------------------------


def test_an_empty_list_and_weights_off_100_are_problems(dteam):
    assert [r.code for r in service.list_problems([])] == [service.LIST_EMPTY]
    add(dteam, "Pris", "award", Decimal(30))
    add(dteam, "Kvalitet", "award", Decimal("60.5"))
    add(dteam, "CE-mærket")
    problems = service.list_problems(service.project_requirements(dteam.project))
    assert [r.code for r in problems] == [service.WEIGHTS_NOT_100]
    assert "90,5" in problems[0].message  # Danish number format
    assert "100" in problems[0].message
    add(dteam, "Brugervenlighed", "award", Decimal("9.5"))
    assert service.list_problems(service.project_requirements(dteam.project)) == []


def test_the_tool_blocks_the_requirements_stage_until_the_list_is_valid(dteam):
    complete_need(dteam)
    advance(dteam)
    complete_requirements(dteam)
    Requirement.objects.filter(project=dteam.project, kind="award").first().delete()

    def codes():
        project = dteam.reload()
        reasons = blocking_reasons(
            project=project, action=Action.APPROVAL_REQUESTED, status=load_stage_status(project)
        )
        return [reason.code for reason in reasons]

    assert codes() == [service.WEIGHTS_NOT_100]
    add(dteam, "Brugervenlighed", "award", Decimal(40))
    assert codes() == []
    advance(dteam)
    assert dteam.reload().state == "legal"


def test_no_weight_is_kept_on_a_minimum_requirement_and_award_needs_one(dteam):
    requirement = add(dteam, "CE-mærket", "minimum", Decimal(20))
    assert requirement.weight is None
    with pytest.raises(Exception, match="vægt"):  # the interface speaks Danish by default
        add(dteam, "Pris", "award", None)
    with pytest.raises(Exception, match="vægt"):
        add(dteam, "Pris", "award", Decimal(101))
    assert Requirement.objects.count() == 1


# --- ordering --------------------------------------------------------------------------------


def test_numbers_stay_1_to_n_when_moving_and_deleting(dteam):
    first, second, third = (add(dteam, text) for text in ("A", "B", "C"))
    service.move_requirement(requirement=third, by=dteam.procurement, offset=-1)
    assert positions(dteam) == [(1, "A"), (2, "C"), (3, "B")]
    service.move_requirement(requirement=first, by=dteam.procurement, offset=-1)  # already first
    assert positions(dteam) == [(1, "A"), (2, "C"), (3, "B")]
    service.move_requirement(requirement=first, by=dteam.procurement, offset=1)
    assert positions(dteam) == [(1, "C"), (2, "A"), (3, "B")]
    service.delete_requirement(requirement=first, by=dteam.procurement)
    assert positions(dteam) == [(1, "C"), (2, "B")]
    assert add(dteam, "D").position == 3


# --- permissions -----------------------------------------------------------------------------


def test_who_may_edit(dteam):
    project = dteam.project
    for person in (dteam.clinician, dteam.procurement, dteam.consultant):
        assert can_edit_requirements(project, person)
    for person in (dteam.lawyer, dteam.it_architect, dteam.ai_competence, dteam.outsider):
        assert not can_edit_requirements(project, person)
    with pytest.raises(PermissionDenied):
        service.add_requirement(project=project, by=dteam.lawyer, text="x", kind="minimum")
    assert not Requirement.objects.exists()


def test_nothing_changes_once_the_project_is_stopped(client, dteam):
    requirement = add(dteam, "Krav")
    perform_transition(
        project=dteam.reload(), action=Action.STOPPED, by=dteam.consultant, comment="Stop."
    )
    assert not can_edit_requirements(dteam.reload(), dteam.clinician)
    client.force_login(dteam.procurement)
    url = reverse("dossier:requirement_update", args=[dteam.project.pk, requirement.pk])
    response = client.post(url, form_data(f"req{requirement.pk}", text="Ændret"))
    assert response.status_code == 403
    requirement.refresh_from_db()
    assert requirement.text == "Krav"


def test_view_wiring_outsider_404_reader_403_get_405(client, dteam):
    requirement = add(dteam, "Krav")
    project_id = dteam.project.pk
    post_urls = [
        reverse("dossier:requirement_add", args=[project_id]),
        reverse("dossier:requirement_update", args=[project_id, requirement.pk]),
        reverse("dossier:requirement_move", args=[project_id, requirement.pk, "up"]),
        reverse("dossier:requirement_delete", args=[project_id, requirement.pk]),
    ]
    docx_url = reverse("dossier:requirements_docx", args=[project_id])
    client.force_login(dteam.outsider)
    for url in [*post_urls, docx_url]:
        response = client.post(url) if url != docx_url else client.get(url)
        assert response.status_code == 404, url
    client.force_login(dteam.lawyer)  # a member who may read but not edit
    for url in post_urls:
        assert client.post(url, form_data("new", text="x")).status_code == 403, url
        assert client.get(url).status_code == 405, url
    assert client.get(docx_url).status_code == 200
    assert positions(dteam) == [(1, "Krav")]


# --- inline editing (htmx) -------------------------------------------------------------------


def test_add_update_move_delete_through_the_views(client, dteam):
    client.force_login(dteam.procurement)
    project_id = dteam.project.pk
    item = dteam.item("requirements.specification")
    response = client.post(
        reverse("dossier:requirement_add", args=[project_id]),
        form_data("new", kind="award", weight="12,5", text="Pris", source=f"item:{item.pk}"),
        **HTMX,
    )
    assert response.status_code == 200
    assert b'id="requirements-panel"' in response.content
    requirement = Requirement.objects.get()
    assert (requirement.weight, requirement.source_item, requirement.source_stage) == (
        Decimal("12.5"),
        item,
        item.stage,
    )
    body = response.content.decode()
    assert "12,5 %" in body
    assert f'data-code="{service.WEIGHTS_NOT_100}"' in body

    response = client.post(
        reverse("dossier:requirement_update", args=[project_id, requirement.pk]),
        form_data(f"req{requirement.pk}", kind="award", weight="100", text="Pris i alt"),
        **HTMX,
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="requirement-{requirement.pk}"' in body
    assert 'id="requirements-summary"' in body and 'hx-swap-oob="true"' in body
    assert "data-code" not in body  # the list is valid now: no problem shown
    requirement.refresh_from_db()
    assert (requirement.text, requirement.weight, requirement.updated_by) == (
        "Pris i alt",
        Decimal(100),
        dteam.procurement,
    )

    second = add(dteam, "CE-mærket")
    client.post(reverse("dossier:requirement_move", args=[project_id, second.pk, "up"]), **HTMX)
    assert positions(dteam) == [(1, "CE-mærket"), (2, "Pris i alt")]
    client.post(reverse("dossier:requirement_delete", args=[project_id, second.pk]), **HTMX)
    assert positions(dteam) == [(1, "Pris i alt")]


def test_invalid_input_is_shown_in_place_and_nothing_is_written(client, dteam):
    client.force_login(dteam.clinician)
    project_id = dteam.project.pk
    url = reverse("dossier:requirement_add", args=[project_id])
    response = client.post(url, form_data("new", kind="award", text="Pris"), **HTMX)
    assert response.status_code == 422
    assert not Requirement.objects.exists()
    response = client.post(url, form_data("new", kind="award", weight="mange", text="P"), **HTMX)
    assert response.status_code == 422
    assert "12,5" in response.content.decode()  # the message shows the expected format
    requirement = add(dteam, "Krav")
    response = client.post(
        reverse("dossier:requirement_update", args=[project_id, requirement.pk]),
        form_data(f"req{requirement.pk}", text=""),
        **HTMX,
    )
    assert response.status_code == 422
    requirement.refresh_from_db()
    assert requirement.text == "Krav"
    # Another pathway's item is refused as a source.
    response = client.post(url, form_data("new", text="X", source="item:999999"), **HTMX)
    assert response.status_code == 422
    assert Requirement.objects.count() == 1


def test_without_htmx_the_views_redirect_to_the_stage(client, dteam):
    client.force_login(dteam.clinician)
    response = client.post(
        reverse("dossier:requirement_add", args=[dteam.project.pk]), form_data("new", text="K")
    )
    assert response.status_code == 302
    assert response.url.endswith("/stages/requirements/#tool-requirements_list")
    assert positions(dteam) == [(1, "K")]


def test_the_stage_page_shows_the_panel_to_editors_and_readers(client, dteam):
    add_valid_requirements(dteam)
    url = reverse("project_stage", args=[dteam.project.pk, "requirements"])
    client.force_login(dteam.procurement)
    body = client.get(url).content.decode()
    assert 'id="requirements-panel"' in body
    assert "hx-post" in body and "Klinisk kvalitet." in body
    client.force_login(dteam.lawyer)
    body = client.get(url).content.decode()
    assert "Klinisk kvalitet." in body
    assert reverse("dossier:requirement_add", args=[dteam.project.pk]) not in body


# --- Word ------------------------------------------------------------------------------------


def test_the_docx_has_headings_numbered_requirements_and_the_award_table(client, dteam):
    add_valid_requirements(dteam)
    add(dteam, "Data i EU/EØS.", verification="Databehandleraftale.")
    client.force_login(dteam.procurement)
    response = client.get(reverse("dossier:requirements_docx", args=[dteam.project.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert "attachment;" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    headings = [
        p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    assert len(headings) == 3  # title, minimum requirements, award criteria
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Testprojekt" in text
    # Numbered in list order: 1 (minimum), 2 and 3 (award), 4 (minimum, added last).
    assert "1. CE-mærket til formålet." in text
    assert "4. Data i EU/EØS." in text
    assert "Databehandleraftale." in text
    (table,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[1][:3] == ["2", "Pris.", "40 %"]
    assert rows[2] == ["3", "Klinisk kvalitet.", "60 %", "Valideringsrapport."]
    assert rows[-1] == ["", "I alt", "100 %", ""]  # Danish, the requester's language


def test_the_docx_says_when_the_list_is_not_final(client, dteam):
    add(dteam, "Pris", "award", Decimal(50))
    client.force_login(dteam.lawyer)
    response = client.get(reverse("dossier:requirements_docx", args=[dteam.project.pk]))
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "50" in text and "100" in text


def test_every_change_to_the_list_is_journalled(dteam):
    from procurement.models import Action, HistoryEntry

    first = add(dteam, "CE-mærket")
    second = add(dteam, "Pris", "award", Decimal(100))
    service.update_requirement(
        requirement=first, by=dteam.procurement, text="CE-mærket til formålet", kind="minimum"
    )
    service.move_requirement(requirement=second, by=dteam.procurement, offset=-1)
    service.delete_requirement(requirement=first, by=dteam.procurement)
    actions = list(
        HistoryEntry.objects.filter(project=dteam.project, action__startswith="requirement_")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        Action.REQUIREMENT_ADDED,
        Action.REQUIREMENT_ADDED,
        Action.REQUIREMENT_CHANGED,
        Action.REQUIREMENT_MOVED,
        Action.REQUIREMENT_REMOVED,
    ]
    changed = HistoryEntry.objects.get(project=dteam.project, action=Action.REQUIREMENT_CHANGED)
    assert (changed.before["text"], changed.after["text"]) == (
        "CE-mærket",
        "CE-mærket til formålet",
    )
    removed = HistoryEntry.objects.get(project=dteam.project, action=Action.REQUIREMENT_REMOVED)
    assert removed.before["text"] == "CE-mærket til formålet" and removed.after is None


def test_the_list_of_an_approved_requirements_stage_is_frozen(client, dteam):
    from django.core.exceptions import ValidationError

    from procurement.models import HistoryEntry

    from .conftest import to_legal

    to_legal(dteam)
    requirement = Requirement.objects.filter(project=dteam.project).first()
    rows = list(Requirement.objects.filter(project=dteam.project).values())
    count = HistoryEntry.objects.filter(project=dteam.project).count()
    calls = [
        lambda: add(dteam, "Nyt krav"),
        lambda: service.update_requirement(
            requirement=requirement, by=dteam.procurement, text="Ændret", kind="minimum"
        ),
        lambda: service.move_requirement(requirement=requirement, by=dteam.procurement, offset=1),
        lambda: service.delete_requirement(requirement=requirement, by=dteam.procurement),
    ]
    for call in calls:
        with pytest.raises(ValidationError) as caught:
            call()
        assert caught.value.code == "stage_approved"
    client.force_login(dteam.procurement)
    base = f"/projects/{dteam.project.pk}/requirements"
    htmx = {"HTTP_HX_REQUEST": "true"}
    add_response = client.post(
        f"{base}/add/", {"new-text": "Nyt krav", "new-kind": "minimum", "new-source": ""}, **htmx
    )
    assert add_response.status_code == 422
    assert "Fasen er godkendt" in add_response.content.decode()
    for url in (f"{base}/{requirement.pk}/move/down/", f"{base}/{requirement.pk}/delete/"):
        response = client.post(url, **htmx)
        assert response.status_code == 422
        assert "Fasen er godkendt" in response.content.decode()
    assert list(Requirement.objects.filter(project=dteam.project).values()) == rows
    assert HistoryEntry.objects.filter(project=dteam.project).count() == count


def test_the_docx_is_danish_and_its_name_keeps_danish_letters(client, dteam):
    """ "Verified by" was English in the Danish document, and the file name dropped "æ"."""
    dteam.project.title = "Forværring hos KOL-patienter"
    dteam.project.save(update_fields=["title"])
    add_valid_requirements(dteam)
    client.force_login(dteam.procurement)
    response = client.get(
        reverse("dossier:requirements_docx", args=[dteam.project.pk]), HTTP_ACCEPT_LANGUAGE="da"
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "Verified by" not in text
    verified = Requirement.objects.filter(project=dteam.project).exclude(verification="")
    assert text.count("Kontrolleres ved: ") == verified.count() > 0
    disposition = response["Content-Disposition"]
    assert 'filename="kravspecifikation-forvaerring-hos-kol-patienter.docx"' in disposition
    assert "filename*=UTF-8''kravspecifikation-forv%C3%A6rring-hos-kol-patienter.docx" in (
        disposition
    )
    client.cookies.load({"django_language": "en"})
    response = client.get(
        reverse("dossier:requirements_docx", args=[dteam.project.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "Verified by: " in text and "Kontrolleres ved" not in text
