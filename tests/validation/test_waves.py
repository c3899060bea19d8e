"""Waves of the roll-out with a name, dates and a status (issue 19), and criteria judged at every
site over the sites meant to deliver data: a site without results leaves them undecided."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from procurement.models import Action, HistoryEntry
from tests.validation.helpers import add_site, stage
from validation import services
from validation.criteria import MET, NOT_EVALUABLE, NOT_MET, CriterionSpec, judge
from validation.kinds import Phase, WaveStatus
from validation.models import AuditEvent, Wave
from validation.selectors import expected_sites

SPEC = CriterionSpec(id=1, metric="auroc", direction="ge", threshold=0.7, every_group=True)


def result(value):
    return {"metrics": {"auroc": {"estimate": value, "ci_low": value - 0.05, "ci_high": value}}}


RESULTS = {
    "classification": {
        "pooled": result(0.85),
        "sites": [{"name": "A", "result": result(0.85)}, {"name": "B", "result": result(0.80)}],
        "subgroups": [],
    }
}


def test_every_site_means_every_site_meant_to_deliver():
    assert judge(SPEC, RESULTS).status == MET
    assert judge(SPEC, RESULTS, ["A", "B"]).status == MET
    verdict = judge(SPEC, RESULTS, ["A", "B", "C"])
    assert verdict.status == NOT_EVALUABLE
    assert [g.label for g in verdict.undecided] == ["C"] and verdict.failing == []
    # A failing site still fails; the criterion is undecided while another has no data.
    low = {"classification": {**RESULTS["classification"], "sites": [
        {"name": "A", "result": result(0.6)}]}}  # fmt: skip
    assert judge(SPEC, low).status == NOT_MET
    assert judge(SPEC, low, ["A", "C"]).status == NOT_EVALUABLE
    # A pooled criterion does not look at the sites.
    pooled_only = CriterionSpec(id=2, metric="auroc", direction="ge", threshold=0.7)
    assert judge(pooled_only, RESULTS, ["A", "B", "C"]).status == MET


class Site:
    def __init__(self, name, wave):
        self.name, self.wave = name, wave


def test_the_sites_of_started_waves_are_expected_in_the_prospective_phase():
    sites = [Site("A", 1), Site("B", 2), Site("C", 3), Site("D", 4)]
    waves = [
        Wave(number=1, status=WaveStatus.DONE),
        Wave(number=2, status=WaveStatus.RUNNING),
        Wave(number=3, status=WaveStatus.PLANNED),
    ]
    assert expected_sites(Phase.PROSPECTIVE, sites, waves) == ["A", "B"]
    assert expected_sites(Phase.RETROSPECTIVE, sites, waves) == []


def test_a_wave_is_named_dated_and_journalled(vteam):
    wave = services.save_wave(
        project=vteam.reload(),
        stage=stage(vteam),
        by=vteam.ai_competence,
        number=1,
        name=" Almen praksis ",
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 10, 30),
        status=WaveStatus.RUNNING,
    )
    assert (wave.name, wave.status) == ("Almen praksis", "running")
    entry = HistoryEntry.objects.filter(project=vteam.project).last()
    assert entry.action == Action.VALIDATION_CHANGED and entry.by == vteam.ai_competence
    assert entry.after["name"] == "Almen praksis" and entry.after["ends_on"] == "2026-10-30"
    # The same number again changes that wave; it is still one row.
    services.save_wave(
        project=vteam.reload(), stage=stage(vteam), by=vteam.ai_competence, number=1,
        name="Almen praksis", status=WaveStatus.DONE,
    )  # fmt: skip
    assert Wave.objects.get().status == "done"


def test_a_wave_that_ends_before_it_starts_writes_nothing(vteam):
    before = HistoryEntry.objects.count()
    with pytest.raises(ValidationError):
        services.save_wave(
            project=vteam.reload(), stage=stage(vteam), by=vteam.ai_competence, number=1,
            name="Bølge", starts_on=date(2026, 10, 1), ends_on=date(2026, 9, 1),
        )  # fmt: skip
    assert not Wave.objects.exists() and HistoryEntry.objects.count() == before
    assert not AuditEvent.objects.filter(action="wave_saved").exists()


def test_only_contributors_name_waves(vteam):
    with pytest.raises(PermissionDenied):
        services.save_wave(
            project=vteam.reload(), stage=stage(vteam), by=vteam.procurement, number=1, name="X"
        )
    assert not Wave.objects.exists()


def test_the_wave_form_through_the_page(vteam, client):
    url = reverse("validation:wave_save", args=[vteam.project.pk, "retrospective_validation"])
    data = {"number": 2, "name": "Hospitaler", "starts_on": "2026-11-02", "status": "planned"}
    client.force_login(vteam.outsider)
    assert client.post(url, data).status_code == 404
    client.force_login(vteam.procurement)
    assert client.post(url, data).status_code == 403
    client.force_login(vteam.ai_competence)
    assert client.get(url).status_code == 405
    bad = client.post(url, {**data, "ends_on": "2026-10-01"}, follow=True)
    assert "Bølgen kan ikke slutte, før den starter." in bad.content.decode()
    assert not Wave.objects.exists()
    response = client.post(url, data)
    assert response.status_code == 302
    assert Wave.objects.get().name == "Hospitaler"
    add_site(vteam, "OUH Hjertemedicin", wave=2)
    page = client.get(reverse("project_stage", args=[vteam.project.pk, "retrospective_validation"]))
    body = page.content.decode()
    assert 'data-wave="2" data-status="planned"' in body
    assert "2: Hospitaler" in body
    assert 'data-has-results="false"' in body
