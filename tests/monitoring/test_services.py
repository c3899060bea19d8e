"""The monitoring services: plan versions and their approval, idempotent ingest, alarms and
incidents written once, all-or-nothing uploads, the four-eyes decision and decommissioning."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from monitoring import services
from monitoring.models import Alarm, Incident, MonitoringPlan, PeriodData, PlanMetric
from monitoring.selectors import load_state, prefill
from monitoring.services import MetricSpec
from procurement.models import Action, HistoryEntry
from tests.monitoring.conftest import counts, make_plan
from validation.kinds import Phase
from validation.models import Criterion, PhaseResult


def _journal(project, action):
    return list(HistoryEntry.objects.filter(project=project, action=action).order_by("seq"))


# --- plan -------------------------------------------------------------------------------------


def test_a_plan_counts_once_another_innovation_consultant_approves_it(mteam):
    plan = make_plan(mteam, approve=False)
    assert services.current_plan(mteam.project) is None
    with pytest.raises(PermissionDenied):
        services.approve_plan(plan=plan, by=mteam.ai_competence)
    with pytest.raises(PermissionDenied):  # the owner never approves
        services.approve_plan(plan=plan, by=mteam.clinician)
    services.approve_plan(plan=plan, by=mteam.consultant)
    assert services.current_plan(mteam.project).pk == plan.pk
    entries = _journal(mteam.project, Action.MONITORING_PLAN)
    assert [e.by for e in entries] == [mteam.ai_competence, mteam.consultant]
    assert entries[1].after["metrics"][0]["metric"] == "sensitivity"


def test_a_consultant_cannot_approve_their_own_plan(mteam):
    plan = make_plan(mteam, approve=False, by=mteam.consultant)
    with pytest.raises(ValidationError) as caught:
        services.approve_plan(plan=plan, by=mteam.consultant)
    assert caught.value.messages == [services.PLAN_SELF_APPROVAL]
    assert not MonitoringPlan.objects.get(pk=plan.pk).is_approved


def test_a_change_is_a_new_version_with_a_reason(planned):
    with pytest.raises(ValidationError) as caught:
        make_plan(planned, approve=False)
    assert caught.value.messages == [services.PLAN_REASON_REQUIRED]
    assert MonitoringPlan.objects.filter(project=planned.project).count() == 1
    second = make_plan(planned, approve=False, reason="Ny scanner fra marts.")
    assert second.version == 2 and second.replaces is not None
    # the first version still counts until the change is approved
    assert services.current_plan(planned.project).version == 1
    with pytest.raises(ValidationError):  # one change waits at a time
        make_plan(planned, approve=False, reason="Endnu en.")
    services.approve_plan(plan=second, by=planned.consultant2)
    assert services.current_plan(planned.project).version == 2


def test_outsiders_and_readers_cannot_propose(mteam):
    for person in (mteam.outsider, mteam.lawyer, mteam.procurement):
        with pytest.raises(PermissionDenied):
            make_plan(mteam, approve=False, by=person)
    assert not MonitoringPlan.objects.exists()


def test_plan_refuses_a_metric_the_source_cannot_give(mteam):
    with pytest.raises(ValidationError):
        make_plan(mteam, metrics=[MetricSpec("pdqi9_mean", Decimal("38"))])
    assert not MonitoringPlan.objects.exists() and not PlanMetric.objects.exists()


def test_prefill_from_validation_results_and_criteria(mteam):
    PhaseResult.objects.create(
        project=mteam.project,
        phase=Phase.PROSPECTIVE,
        data={
            "classification": {
                "pooled": {
                    "metrics": {
                        "sensitivity": {"estimate": 0.8712, "ci_low": 0.8, "ci_high": 0.9},
                        "specificity": {"estimate": 0.81, "ci_low": 0.7, "ci_high": 0.9},
                    }
                }
            }
        },
    )
    Criterion.objects.create(
        project=mteam.project,
        phase=Phase.PROSPECTIVE,
        metric="sensitivity",
        direction="ge",
        threshold=Decimal("0.75"),
        created_by=mteam.ai_competence,
    )
    suggested = prefill(mteam.project, "classification")
    assert suggested["sensitivity"] == {
        "baseline": 0.8712,
        "baseline_source": "validation:prospective",
        "minimum": 0.75,
        "minimum_source": "criterion:prospective",
    }
    assert suggested["oe_ratio"]["baseline"] == 1.0
    # A baseline other than the validation result needs its reason.
    specs = [MetricSpec("sensitivity", Decimal("0.85"), Decimal("0.75"))]
    with pytest.raises(ValidationError) as caught:
        make_plan(mteam, metrics=specs, prefill=suggested, approve=False)
    assert "give the reason" in caught.value.messages[0]
    specs = [MetricSpec("sensitivity", Decimal("0.85"), Decimal("0.75"), "Lokal population.")]
    plan = make_plan(mteam, metrics=specs, prefill=suggested, approve=False)
    metric = plan.metrics.get()
    assert metric.baseline_source == "changed: Lokal population."
    assert metric.minimum_source == "criterion:prospective"


# --- data, alarms, incidents --------------------------------------------------------------------


def test_no_data_before_an_approved_plan(mteam):
    make_plan(mteam, approve=False)
    with pytest.raises(ValidationError):
        services.ingest_period(
            project=mteam.project, by=mteam.ai_competence, period="2025-01", values=counts()
        )
    assert not PeriodData.objects.exists()


def test_ingest_is_idempotent_on_the_period(planned):
    first = services.ingest_period(
        project=planned.project, by=planned.ai_competence, period="2025-01", values=counts()
    )
    again = services.ingest_period(
        project=planned.project, by=planned.ai_competence, period="2025-01", values=counts()
    )
    assert first.changed and not again.changed
    assert PeriodData.objects.count() == 1
    assert len(_journal(planned.project, Action.MONITORING_DATA)) == 1
    changed = services.ingest_period(
        project=planned.project,
        by=planned.ai_competence,
        period="2025-01",
        values=counts(tp=171, fn=29),
    )
    assert changed.changed and PeriodData.objects.get().values["tp"] == 171
    entry = _journal(planned.project, Action.MONITORING_DATA)[-1]
    assert entry.before["tp"] == 170 and entry.after["tp"] == 171


def test_bad_figures_are_refused_and_nothing_written(planned):
    for values in (
        {**counts(), "n": 999},
        {**counts(), "tp": -1},
        {**counts(), "patient_id": "123"},
        {"tp": 1},
    ):
        with pytest.raises(ValidationError):
            services.ingest_period(
                project=planned.project, by=planned.ai_competence, period="2025-01", values=values
            )
    with pytest.raises(ValidationError):
        services.ingest_period(
            project=planned.project, by=planned.ai_competence, period="2025-W03", values=counts()
        )
    assert not PeriodData.objects.exists()
    assert not _journal(planned.project, Action.MONITORING_DATA)


def test_who_may_send_data(planned):
    for person in (planned.outsider, planned.foreigner, planned.lawyer, planned.procurement):
        with pytest.raises(PermissionDenied):
            services.ingest_period(
                project=planned.project, by=person, period="2025-01", values=counts()
            )
    assert not PeriodData.objects.exists()
    for person in (planned.clinician, planned.ai_competence, planned.it_architect):
        services.ingest_period(
            project=planned.project, by=person, period="2025-01", values=counts()
        )


def _drift(team, months=range(1, 7), drift_from=4, by=None):
    results = []
    for month in months:
        values = counts() if month < drift_from else counts(tp=140, fn=60)
        results.append(
            services.ingest_period(
                project=team.project,
                by=by or team.ai_competence,
                period=f"2025-{month:02d}",
                values=values,
            )
        )
    return results


def test_an_alarm_opens_one_incident_and_is_journalled_for_the_recipients(planned):
    results = _drift(planned)
    alarms = Alarm.objects.filter(project=planned.project, metric="sensitivity")
    assert [a.period for a in alarms] == ["2025-04", "2025-05", "2025-06"]
    assert results[3].alarms and not results[2].alarms
    incident = Incident.objects.get(project=planned.project)
    assert incident.metric == "sensitivity" and incident.period == "2025-04"
    assert {a.incident_id for a in alarms} == {incident.pk}
    entries = _journal(planned.project, Action.MONITORING_ALARM)
    assert len(entries) == 3
    assert entries[0].after["period"] == "2025-04"
    assert entries[0].after["recipients"] == [planned.ai_competence.pk]
    assert entries[0].after["link"].endswith(f"/incidents/{incident.pk}/")
    assert "shewhart" in entries[0].after["rules"]


def test_re_uploading_the_same_period_raises_no_second_alarm(planned):
    _drift(planned, months=range(1, 5))
    services.ingest_period(
        project=planned.project,
        by=planned.ai_competence,
        period="2025-04",
        values=counts(tp=139, fn=61),
    )
    assert Alarm.objects.filter(period="2025-04").count() == 1
    assert Incident.objects.count() == 1
    assert len(_journal(planned.project, Action.MONITORING_ALARM)) == 1


def test_alarm_notifies_the_plans_recipient(planned):
    from notifications.models import Kind, Notification

    # The person who sent the data sees the alarm on the page; the journal listener tells the
    # plan's recipients (never the person who made the change).
    _drift(planned, months=range(1, 5), by=planned.clinician)
    told = Notification.objects.filter(kind=Kind.MONITORING_ALARM)
    assert [n.recipient for n in told] == [planned.ai_competence]


def test_missing_periods_show_in_the_state_and_the_gate(planned):
    import datetime

    from monitoring.gate import DATA_MISSING, gate_reasons_for

    services.ingest_period(
        project=planned.project, by=planned.ai_competence, period="2025-02", values=counts()
    )
    state = load_state(planned.project, today=datetime.date(2025, 4, 20))
    # January is missing; February arrived; March ended 31 March + 15 days: overdue on 20 April.
    assert [p.label for p in state.missing] == ["2025-01", "2025-03"]
    reason = next(r for r in gate_reasons_for(state) if r.code == DATA_MISSING)
    assert reason.items == ("2025-01", "2025-03")
    state = load_state(planned.project, today=datetime.date(2025, 4, 10))
    assert [p.label for p in state.missing] == ["2025-01"]


def test_gate_requires_a_plan(mteam):
    from monitoring.gate import NO_PLAN, PLAN_PENDING, gate_reasons_for

    assert [r.code for r in gate_reasons_for(load_state(mteam.project))] == [NO_PLAN]
    make_plan(mteam, approve=False)
    codes = [r.code for r in gate_reasons_for(load_state(mteam.project))]
    assert codes == [NO_PLAN, PLAN_PENDING]


# --- upload -------------------------------------------------------------------------------------


def test_an_upload_imports_every_period_or_none(planned):
    good = b"period;n;tp;fp;tn;fn\n2025-01;400;170;40;160;30\n2025-02;400;172;38;162;28\n"
    bad = good + b"2025-03;400;x;40;160;30\n"
    with pytest.raises(services.ParseError) as caught:
        services.upload_periods(
            project=planned.project, by=planned.ai_competence, data=bad, filename="p.csv"
        )
    assert caught.value.messages == ["row 4, column tp: must be a whole number"]
    assert not PeriodData.objects.exists()
    assert not _journal(planned.project, Action.MONITORING_DATA)
    results = services.upload_periods(
        project=planned.project, by=planned.ai_competence, data=good, filename="p.csv"
    )
    assert [r.changed for r in results] == [True, True]
    again = services.upload_periods(
        project=planned.project, by=planned.ai_competence, data=good, filename="p.csv"
    )
    assert [r.changed for r in again] == [False, False]
    assert PeriodData.objects.count() == 2


def test_an_upload_with_duplicate_periods_writes_nothing(planned):
    data = b"period,n,tp,fp,tn,fn\n2025-01,400,170,40,160,30\n2025-01,400,170,40,160,30\n"
    with pytest.raises(services.ParseError) as caught:
        services.upload_periods(
            project=planned.project, by=planned.ai_competence, data=data, filename="p.csv"
        )
    assert "the same period as row 2" in caught.value.messages[0]
    assert not PeriodData.objects.exists()


def test_a_zip_bomb_workbook_is_refused(planned, monkeypatch):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 60_000_000)
    with pytest.raises(services.ParseError):
        services.upload_periods(
            project=planned.project,
            by=planned.ai_competence,
            data=buffer.getvalue(),
            filename="p.xlsx",
        )
    assert not PeriodData.objects.exists()


def test_an_upload_that_alarms_writes_the_alarm_in_the_same_transaction(planned):
    rows = ["period;n;tp;fp;tn;fn;expected_positives"]
    for month in range(1, 7):
        tp, fn = (170, 30) if month < 4 else (140, 60)
        rows.append(f"2025-{month:02d};400;{tp};40;160;{fn};200")
    data = ("\n".join(rows) + "\n").encode()
    results = services.upload_periods(
        project=planned.project, by=planned.ai_competence, data=data, filename="p.csv"
    )
    assert {a.period for a in results[0].alarms} == {"2025-04", "2025-05", "2025-06"}
    assert Incident.objects.count() == 1


# --- incidents ------------------------------------------------------------------------------


@pytest.fixture
def incident(planned):
    _drift(planned, months=range(1, 5))
    return Incident.objects.get()


def test_assessment_by_the_ai_competence_unit_only(planned, incident):
    for person in (planned.consultant, planned.clinician, planned.outsider):
        with pytest.raises(PermissionDenied):
            services.assess_incident(incident=incident, by=person, assessment="Ser ud som drift.")
    services.assess_incident(
        incident=incident, by=planned.ai_competence, assessment="Ny scanner; reel drift."
    )
    assert Incident.objects.get().assessed_by == planned.ai_competence


def test_decision_needs_an_assessment_and_a_second_person(planned, incident):
    with pytest.raises(ValidationError) as caught:
        services.decide_incident(
            incident=incident, by=planned.consultant, decision="continue", reason="Ok."
        )
    assert caught.value.messages == [services.INCIDENT_NOT_ASSESSED]
    services.assess_incident(
        incident=incident, by=planned.ai_competence, assessment="Ny scanner; reel drift."
    )
    for person in (planned.ai_competence, planned.clinician, planned.lawyer):
        with pytest.raises(PermissionDenied):
            services.decide_incident(
                incident=incident, by=person, decision="continue", reason="Ok."
            )
    assert Incident.objects.get().decided_by is None
    services.decide_incident(
        incident=incident, by=planned.consultant, decision="recalibrate", reason="Leverandøren."
    )
    decided = Incident.objects.get()
    assert decided.decision == "recalibrate" and decided.decided_by == planned.consultant
    entry = _journal(planned.project, Action.MONITORING_INCIDENT)[-1]
    assert entry.after["decision"] == "recalibrate"
    with pytest.raises(ValidationError):
        services.decide_incident(
            incident=decided, by=planned.consultant2, decision="continue", reason="Igen."
        )


def test_the_assessor_cannot_also_decide_even_as_consultant(planned, incident):
    from procurement import services as project_services

    project_services.add_member(
        project=planned.project,
        by=planned.admin,
        user=planned.consultant,
        role="ai_competence",
    )
    services.assess_incident(
        incident=incident, by=planned.consultant, assessment="Jeg vurderer selv."
    )
    with pytest.raises(ValidationError) as caught:
        services.decide_incident(
            incident=incident, by=planned.consultant, decision="continue", reason="Ok."
        )
    assert caught.value.messages == [services.INCIDENT_FOUR_EYES]
    assert Incident.objects.get().decided_by is None


def test_a_new_alarm_after_the_decision_opens_a_new_incident(planned, incident):
    services.assess_incident(
        incident=incident, by=planned.ai_competence, assessment="Drift ja, reel."
    )
    services.decide_incident(
        incident=incident, by=planned.consultant, decision="continue", reason="Vi følger den."
    )
    _drift(planned, months=range(5, 7))
    assert Incident.objects.count() == 2
    assert Incident.objects.filter(decided_by__isnull=True).get().period == "2025-05"


def test_decommission_retires_the_project_with_the_incident_as_reason(planned, incident):
    services.assess_incident(
        incident=incident, by=planned.ai_competence, assessment="Drift ja, reel."
    )
    services.decide_incident(
        incident=incident, by=planned.consultant, decision="decommission", reason="For ringe."
    )
    project = planned.reload()
    assert project.state == "retired"
    retired = _journal(project, Action.RETIRED)[-1]
    assert f"incident {incident.pk}" in retired.comment and "For ringe." in retired.comment


def test_a_refused_retirement_writes_no_decision(planned, incident, monkeypatch):
    from procurement.transitions import TransitionBlocked

    services.assess_incident(
        incident=incident, by=planned.ai_competence, assessment="Drift ja, reel."
    )

    def refuse(**kwargs):
        from procurement.gates import Reason

        raise TransitionBlocked([Reason("x", "Nej.")])

    monkeypatch.setattr(services, "perform_transition", refuse)
    with pytest.raises(ValidationError):
        services.decide_incident(
            incident=incident, by=planned.consultant, decision="decommission", reason="For ringe."
        )
    assert Incident.objects.get().decided_by is None
    assert planned.reload().state != "retired"
    assert not [
        e for e in _journal(planned.project, Action.MONITORING_INCIDENT) if e.after.get("decision")
    ]


def test_a_scribe_plan_watches_omissions_per_note(mteam):
    plan = make_plan(
        mteam,
        source="scribe",
        metrics=[
            MetricSpec("omissions_per_note", Decimal("0.05"), Decimal("0.10")),
            MetricSpec("pdqi9_mean", Decimal("38")),
        ],
    )
    assert plan.source == "scribe"
    for month, omissions in ((1, 20), (2, 22), (3, 19), (4, 60)):
        services.ingest_period(
            project=mteam.project,
            by=mteam.clinician,
            period=f"2025-{month:02d}",
            values={
                "notes": 400,
                "omissions": omissions,
                "pdqi9_n": 30,
                "pdqi9_mean": 38.5,
                "pdqi9_sd": 3.0,
            },
        )
    alarm = Alarm.objects.get()
    assert (alarm.metric, alarm.period) == ("omissions_per_note", "2025-04")
    # 60 omissions in 400 notes: 0.15 per note, over the maximum of 0.10 with its whole CI
    assert "below_minimum" in alarm.rules and "shewhart" in alarm.rules
    with pytest.raises(ValidationError):  # a classification row does not fit a scribe plan
        services.ingest_period(
            project=mteam.project, by=mteam.clinician, period="2025-05", values=counts()
        )
