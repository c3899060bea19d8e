"""The dossier's monitoring section: the plan, the charts, the incidents and their decisions in
the print template, and the numbers in dossier.json."""

import json

from django.template.loader import render_to_string
from django.utils import timezone

from dossier.content import build_dossier
from monitoring import services
from monitoring.models import Incident
from tests.monitoring.test_services import _drift


def test_dossier_has_the_monitoring_section_and_numbers(planned):
    _drift(planned, months=range(1, 5))
    incident = Incident.objects.get()
    services.assess_incident(incident=incident, by=planned.ai_competence, assessment="Reel drift.")
    services.decide_incident(
        incident=incident, by=planned.consultant, decision="suspend", reason="Pause til rettelse."
    )
    project = planned.reload()
    content = build_dossier(
        project, number=1, generated_at=timezone.now(), generated_by=planned.consultant
    )
    data = json.loads(content.json_bytes())
    monitoring = data["tools"]["monitoring"]["monitoring"]
    assert monitoring["plan"]["version"] == 1
    sensitivity = monitoring["metrics"]["sensitivity"]
    assert sensitivity["first_alarm"] == "2025-04"
    assert sensitivity["design"]["target_arl"] == 100
    assert [p["status"] for p in sensitivity["periods"]][:3] == ["ok", "ok", "ok"]
    assert sensitivity["periods"][3]["value"] == 0.7
    assert monitoring["incidents"][0]["decision"] == "suspend"
    assert monitoring["incidents"][0]["decided_by"] == str(planned.consultant)
    html = render_to_string("dossier/pdf/dossier.html", content.context)
    assert "monitoring-dossier" in html and "Pause til rettelse." in html
    assert "<svg" in html
