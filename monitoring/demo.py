"""Demo monitoring for the seed's cases, generated with a seeded random number generator and
labelled as generated demonstration data (the plan, every period, the panel and the dossier).

TeleKOL (in monitoring) gets a plan with baselines from its validation and 18 months of
generated counts ending last month: stable for a year, then the sensitivity drifts (a new
measurement device in the generated story), the rules raise an alarm, the AI competence unit
assesses the incident and the innovation consultant decides, right after the alarm, to ask
the vendor to recalibrate; after that the generated sensitivity is back at its baseline. The
Ambient Scribe gets a plan for its hospitals wave. Everything goes through the real services.
"""

import datetime
from decimal import Decimal

import numpy as np
from django.utils import timezone

from checklists.roles import Role
from procurement.models import Membership, Project

from . import services
from .models import Incident, Via
from .parsing import CLASSIFICATION, SCRIBE
from .periods import MONTH, Period
from .selectors import prefill

SEED = 2026
MONTHS = 18
DRIFT_FROM = 13  # the first month of the generated drift (1-based)
POSITIVES, NEGATIVES = 36, 414  # exacerbations and quiet citizen-months, about 450 citizens


def add_demo_data(project: Project, case: dict, stage_key: str) -> None:
    handler = HANDLERS.get((case.get("slug"), stage_key))
    if handler is not None:
        handler(project, np.random.default_rng([SEED, sum(map(ord, case["slug"]))]))


def _member(project: Project, role: str):
    first = Membership.objects.filter(project=project, role=role).select_related("user").first()
    return first.user if first else project.owner


def _months_ending_last_month(count: int) -> list[Period]:
    today = timezone.localdate()
    last = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    year, month = last.year, last.month - (count - 1)
    while month < 1:
        year, month = year - 1, month + 12
    first = Period(datetime.date(year, month, 1), MONTH)
    periods = [first]
    while len(periods) < count:
        periods.append(periods[-1].next())
    return periods


def _plan(project: Project, source: str, metrics: tuple, first: str, actions: str):
    suggested = prefill(project, source)
    specs = []
    for key, fallback in metrics:
        entry = suggested.get(key, {})
        baseline = entry.get("baseline", fallback)
        specs.append(
            services.MetricSpec(
                key,
                Decimal(str(baseline)),
                None if entry.get("minimum") is None else Decimal(str(entry["minimum"])),
            )
        )
    ai, consultant = (
        _member(project, Role.AI_COMPETENCE),
        _member(project, Role.INNOVATION_CONSULTANT),
    )
    plan = services.propose_plan(
        project=project,
        by=ai,
        source=source,
        period=MONTH,
        first_period=first,
        agreed_actions=actions,
        metrics=specs,
        recipients=[ai.pk, consultant.pk],
        prefill=suggested,
        is_demo=True,
    )
    return services.approve_plan(plan=plan, by=consultant)


def telekol_monitoring(project: Project, rng) -> None:
    periods = _months_ending_last_month(MONTHS)
    plan = _plan(
        project,
        CLASSIFICATION,
        (("sensitivity", 0.80), ("specificity", 0.85), ("oe_ratio", 1.0)),
        periods[0].label,
        "Ved alarm gennemgår AI-kompetenceenheden månedens sager med overlægen inden for en uge; "
        "innovationskonsulenten beslutter fortsat brug, begrænsning, genkalibrering, pause eller "
        "udfasning. Leverandøren orienteres efter AI-forordningens art. 26, stk. 5.",
    )
    metrics = {m.metric: float(m.baseline) for m in plan.metrics.all()}
    sensitivity, specificity = metrics["sensitivity"], metrics["specificity"]
    ai, consultant = (
        _member(project, Role.AI_COMPETENCE),
        _member(project, Role.INNOVATION_CONSULTANT),
    )
    recalibrated = False
    for index, period in enumerate(periods, start=1):
        drifting = index >= DRIFT_FROM and not recalibrated
        sens = sensitivity - (0.22 if drifting else 0.0)
        tp = int(rng.binomial(POSITIVES, min(max(sens, 0.01), 0.99)))
        tn = int(rng.binomial(NEGATIVES, specificity))
        expected = float(POSITIVES * rng.normal(1.0, 0.05))
        services.ingest_period(
            project=project,
            by=ai,
            period=period.label,
            values={
                "n": POSITIVES + NEGATIVES,
                "tp": tp,
                "fn": POSITIVES - tp,
                "tn": tn,
                "fp": NEGATIVES - tn,
                "expected_positives": round(expected, 1),
            },
            via=Via.DEMO,
            is_demo=True,
        )
        if drifting and _decide(project, ai, consultant):
            recalibrated = True  # the generated vendor fix works from the next month


def _decide(project, ai, consultant) -> bool:
    """Assess and decide the open incident, if the generated drift has raised one."""
    incident = Incident.objects.filter(project=project, decided_by__isnull=True).first()
    if incident is None:
        return False
    services.assess_incident(
        incident=incident,
        by=ai,
        assessment="Genererede demodata: sensitiviteten faldt, efter at en ny type iltmåler blev "
        "taget i brug i TeleKOL. Modellen er ikke trænet på dens målinger. Risiko: forværringer "
        "opdages for sent. Sygeplejerskerne er orienteret og bruger igen de faste grænseværdier "
        "som supplement.",
    )
    services.decide_incident(
        incident=incident,
        by=consultant,
        decision="recalibrate",
        reason="Genererede demodata: leverandøren genkalibrerer på målinger fra den nye iltmåler; "
        "indtil da bruges risikoscoren sammen med de faste grænseværdier.",
    )
    return True


def ambient_hospitals_plan(project: Project, rng) -> None:
    first = _months_ending_last_month(1)[0].next().next()  # from the month after next
    _plan(
        project,
        SCRIBE,
        (
            ("pdqi9_mean", 38.0),
            ("omissions_per_note", 0.05),
            ("hallucinations_per_note", 0.02),
            ("uptake", 0.7),
        ),
        first.label,
        "Hospitalsbølgen (bølge 2, otte afdelinger): hver måned bedømmes 30 notater pr. afdeling "
        "med PDQI-9, og udeladelser og hallucinationer tælles. Ved alarm stopper afdelingen brugen "
        "af den berørte skabelon, til AI-kompetenceenheden har vurderet sagen.",
    )


HANDLERS = {
    ("telekol", "monitoring"): telekol_monitoring,
    ("ambient-scribe", "prospective_validation"): ambient_hospitals_plan,
}
