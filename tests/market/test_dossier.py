"""The dossier shows the market dialogue (who got which information when) and the finished
evaluation (scores, justifications, consensus, ranking, sensitivity), in the PDF and in
dossier.json, which stays valid against its schema."""

import jsonschema
import pytest
from django.test import Client
from django.urls import reverse

from dossier.models import DossierVersion
from dossier.services import read_version
from tests.dossier.helpers import dossier_json, pdf_text, schema, squeezed
from tests.market.conftest import full_market_journey

pytestmark = pytest.mark.django_db


def test_the_dossier_holds_the_dialogue_and_the_evaluation(mteam, settings, tmp_path):
    settings.DOSSIER_ROOT = tmp_path / "dossiers"
    full_market_journey(mteam)
    client = Client()
    client.force_login(mteam.procurement)
    response = client.post(reverse("dossier:generate", args=[mteam.project.pk]))
    assert response.status_code == 302
    version = DossierVersion.objects.get(project=mteam.project)
    content = read_version(version)
    data = dossier_json(content)
    jsonschema.validate(data, schema())
    dialogue = data["tools"]["market_dialogue"]["market_dialogue"]
    entry = dialogue["entries"][0]
    assert {d["vendor"] for d in entry["disclosed_to"]} == {
        "Alfa Medical ApS",
        "Beta Health A/S",
        "Gamma AI",
    }
    evaluation = data["tools"]["tender_operation"]["offer_evaluation"]
    assert evaluation["finished"] and evaluation["revealed"]
    ranking = evaluation["analysis"]["ranking"]
    assert [(r["vendor"], r["rank"]) for r in ranking] == [
        ("Alfa Medical ApS", 1),
        ("Gamma AI", 2),
        ("Beta Health A/S", None),
    ]
    assert len(evaluation["analysis"]["sensitivity"]) == 6
    text = squeezed(pdf_text(content))
    for expected in ("AlfaMedicalApS", "Enighedefterdrøftelse.", "procurementomGammaAI"):
        assert expected in text, expected


def test_the_dossier_schema_names_every_journal_action():
    from procurement.models import Action

    history = schema()["$defs"]["historyEntry"]["properties"]["action"]["enum"]
    assert set(history) == set(Action.values)
