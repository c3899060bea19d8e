"""Demo validation data for the seed's cases, generated with a seeded random number generator and
labelled as generated demonstration data everywhere it appears (sites, file names, the panel).

It goes through the real services (sites, criteria, CSV uploads in the Danish export format with
`;` and decimal commas), so the demo exercises the same code as real use. Called by
`procurement.demo_data` for each stage of each demo case before the stage is approved.
"""

import io
from datetime import date

import numpy as np
from django.core.files.uploadedfile import SimpleUploadedFile

from checklists.roles import Role
from procurement.models import Membership, Project

from . import services
from .kinds import Direction, JudgedOn, SiteKind, UploadKind, WaveStatus
from .metrics.scribe import PDQI9_ITEMS
from .models import EvaluationSite

SEED = 2021
DEMO_PREFIX = "DEMO-genererede-data"

# Wave 1: general practice (the seed names no practices: these are invented and labelled so).
DEMO_PRACTICES = [
    ("Demo: Lægehuset ved Kolding Å (fiktiv almen praksis)", "Almen praksis (demoeksempel)"),
    ("Demo: Lægerne i Svendborg (fiktiv almen praksis)", "Almen praksis (demoeksempel)"),
    ("Demo: Lægehuset Ribe (fiktiv almen praksis)", "Almen praksis (demoeksempel)"),
]
# Wave 2: the seed's eight hospital sites, with their generated profiles: mean PDQI-9 item score,
# baseline documentation minutes, share of time the scribe saves, major omissions per note.
SEED_SITES = [
    ("SLB Organkirurgisk afdeling (Kolding)", "Organkirurgi", 4.15, 11.0, 0.20, 0.02),
    ("OUH Hjertemedicinsk afdeling", "Kardiologi", 4.10, 12.0, 0.17, 0.03),
    ("SLB Fysioterapi (Vejle)", "Fysioterapi", 4.25, 7.0, 0.22, 0.01),
    ("OUH Smertecenter Syd", "Smertecenter", 4.05, 13.0, 0.15, 0.03),
    ("OUH FAM (lægebiler)", "Fælles akutmodtagelse, lægebiler", 3.95, 8.0, 0.10, 0.03),
    ("Psykiatrien, almen afdeling (Odense)", "Psykiatri", 3.90, 15.0, 0.12, 0.06),
    ("SHS FAM (Aabenraa/Sønderborg)", "Fælles akutmodtagelse", 4.00, 8.5, 0.12, 0.03),
    ("Esbjerg/Grindsted", "", 4.05, 10.0, 0.16, 0.02),
]
PRACTICE_PROFILES = [(4.10, 9.0, 0.15, 0.02), (4.00, 10.0, 0.12, 0.03), (4.20, 8.0, 0.14, 0.02)]
RATERS = ("Bedømmer A", "Bedømmer B")
TELEKOL_SITE = ("OUH Lungemedicinsk afdeling (TeleKOL)", "Lungemedicin, telemedicin")
TELEKOL_THRESHOLD = "0.15"


def add_demo_data(project: Project, case: dict, stage_key: str) -> None:
    handler = HANDLERS.get((case.get("slug"), stage_key))
    if handler is not None:
        handler(project, _rng(case["slug"], stage_key))


def _rng(slug: str, stage_key: str) -> np.random.Generator:
    # A fixed seed per case and stage: the demo is the same on every machine, every time.
    return np.random.default_rng([SEED, sum(map(ord, slug)), sum(map(ord, stage_key))])


def _member(project: Project, role: str):
    membership = Membership.objects.filter(project=project, role=role).select_related("user")
    first = membership.first()
    return first.user if first else project.owner


def _csv(header: list[str], rows: list[list]) -> bytes:
    """A Danish spreadsheet export: `;` separators and decimal commas."""
    out = io.StringIO()
    out.write(";".join(header) + "\n")
    for row in rows:
        out.write(
            ";".join(
                f"{value:.4f}".replace(".", ",") if isinstance(value, float) else str(value)
                for value in row
            )
            + "\n"
        )
    return out.getvalue().encode("utf-8")


def _upload(project, stage, site, kind, header, rows, by, threshold=None):
    slug = "".join(c if c.isalnum() else "-" for c in site.name.lower()).strip("-")[:40]
    name = f"{DEMO_PREFIX}-{kind}-{slug}.csv"
    services.upload_results(
        project=project,
        stage=stage,
        site=site,
        kind=kind,
        upload=SimpleUploadedFile(name, _csv(header, rows), "text/csv"),
        by=by,
        threshold=threshold,
        is_demo=True,
    )


def _criterion(
    project, stage, by, metric, direction, threshold, judged_on=JudgedOn.BOUND, every_group=False
):
    services.add_criterion(
        project=project,
        stage=stage,
        by=by,
        metric=metric,
        direction=direction,
        threshold=threshold,
        judged_on=judged_on,
        every_group=every_group,
    )


# --- generated data ------------------------------------------------------------------------------


ITEM_OFFSETS = np.array([0.05, 0.0, 0.15, 0.05, 0.1, 0.15, -0.25, -0.2, 0.1])


def _pdqi9_rows(rng, prefix: str, notes: int, mean_item: float) -> list[list]:
    rows = []
    rater_offsets = {RATERS[0]: 0.05, RATERS[1]: -0.1}
    for note in range(1, notes + 1):
        quality = mean_item + rng.normal(0, 0.35)
        for rater, offset in rater_offsets.items():
            scores = np.clip(
                np.rint(quality + offset + ITEM_OFFSETS + rng.normal(0, 0.45, len(PDQI9_ITEMS))),
                1,
                5,
            ).astype(int)
            rows.append([f"{prefix}-{note:03d}", rater, *scores.tolist()])
    return rows


def _error_rows(rng, prefix: str, notes: int, major_omissions: float) -> list[list]:
    return [
        [
            f"{prefix}-{note:03d}",
            int(rng.poisson(0.12)),
            0,  # no harmful hallucination in the demo's approved notes (the criterion)
            int(rng.poisson(0.3)),
            int(rng.poisson(major_omissions)),
        ]
        for note in range(1, notes + 1)
    ]


def _time_rows(rng, prefix, per_period, baseline, saved, uptake) -> list[list]:
    rows = []
    sigma = 0.35
    mu = np.log(baseline) - sigma**2 / 2  # lognormal with the given mean
    for index in range(1, per_period + 1):
        rows.append([f"{prefix}-F{index:03d}", "baseline", float(rng.lognormal(mu, sigma)), 0])
    for index in range(1, per_period + 1):
        used = int(rng.random() < uptake)
        factor = 1 - saved if used else 1.0
        rows.append(
            [f"{prefix}-E{index:03d}", "scribe", float(rng.lognormal(mu, sigma) * factor), used]
        )
    return rows


PDQI9_HEADER = ["note_id", "rater", *PDQI9_ITEMS]
ERRORS_HEADER = [
    "note_id",
    "hallucinations_minor",
    "hallucinations_major",
    "omissions_minor",
    "omissions_major",
]
TIME_HEADER = ["encounter_id", "period", "minutes", "scribe_used"]


# --- the Ambient Scribe ------------------------------------------------------------------------


def _ambient_sites(project, stage) -> tuple[list, list]:
    owner = project.owner
    practices, hospitals = [], []
    for name, department in DEMO_PRACTICES:
        practices.append(
            EvaluationSite.objects.filter(project=project, name=name).first()
            or services.add_site(
                project=project,
                stage=stage,
                by=owner,
                name=name,
                kind=SiteKind.GENERAL_PRACTICE,
                department=department,
                wave=1,
                is_demo=True,
            )
        )
    for name, department, *_profile in SEED_SITES:
        hospitals.append(
            EvaluationSite.objects.filter(project=project, name=name).first()
            or services.add_site(
                project=project,
                stage=stage,
                by=owner,
                name=name,
                kind=SiteKind.HOSPITAL,
                department=department,
                wave=2,
            )
        )
    return practices, hospitals


def _note_quality_criteria(project: Project, stage, unit) -> None:
    """The note-quality criteria both scribe phases share."""
    _criterion(project, stage, unit, "pdqi9_item_mean", Direction.AT_LEAST, "3.5", every_group=True)
    _criterion(
        project,
        stage,
        unit,
        "major_hallucinations_per_note",
        Direction.AT_MOST,
        "0",
        judged_on=JudgedOn.POINT,
        every_group=True,
    )


def _scribe_uploads(project: Project, stage, site, unit, rng, prefix: str, counts, profile) -> None:
    """One site's PDQI-9 ratings, errors and documentation times (in that order: the seeded
    random numbers are drawn the same way every run)."""
    ratings, notes, encounters = counts
    quality, minutes, saved, omissions, uptake = profile
    rows = _pdqi9_rows(rng, prefix, ratings, quality)
    _upload(project, stage, site, UploadKind.PDQI9, PDQI9_HEADER, rows, unit)
    rows = _error_rows(rng, prefix, notes, omissions)
    _upload(project, stage, site, UploadKind.ERRORS, ERRORS_HEADER, rows, unit)
    rows = _time_rows(rng, prefix, encounters, minutes, saved, uptake)
    _upload(project, stage, site, UploadKind.TIME, TIME_HEADER, rows, unit)


def ambient_retrospective(project: Project, rng) -> None:
    """320 simulated consultations (40 per hospital site, as the case describes), rated by two
    raters, with errors and documentation time; criteria from the case's acceptance criteria."""
    stage = project.current_stage
    unit = _member(project, Role.AI_COMPETENCE)
    _practices, hospitals = _ambient_sites(project, stage)
    _note_quality_criteria(project, stage, unit)
    _criterion(project, stage, unit, "major_omissions_per_note", Direction.AT_MOST, "0.1")
    for site, (_name, _dept, quality, minutes, saved, omissions) in zip(
        hospitals, SEED_SITES, strict=True
    ):
        _scribe_uploads(
            project, stage, site, unit, rng, f"R{site.pk}", (40, 40, 40),
            (quality, minutes, saved, omissions, 1.0),
        )  # fmt: skip


# The roll-out's waves: the practices have finished, the hospitals have begun (two of nine have
# results so far), so a criterion for every site is not decided yet.
AMBIENT_WAVES = (
    (1, "Almen praksis", "2026-09-01", "2026-10-30", WaveStatus.DONE),
    (2, "Hospitaler", "2026-11-02", "2027-01-29", WaveStatus.RUNNING),
)


def ambient_prospective(project: Project, rng) -> None:
    """Stepwise roll-out: wave 1 (general practice) has run; wave 2 (hospitals) has started at
    its first two sites."""
    stage = project.current_stage
    unit = _member(project, Role.AI_COMPETENCE)
    practices, hospitals = _ambient_sites(project, stage)
    for number, name, starts, ends, status in AMBIENT_WAVES:
        services.save_wave(
            project=project,
            stage=stage,
            by=unit,
            number=number,
            name=name,
            starts_on=date.fromisoformat(starts),
            ends_on=date.fromisoformat(ends),
            status=status,
        )
    _note_quality_criteria(project, stage, unit)
    _criterion(project, stage, unit, "time_saved_percent", Direction.AT_LEAST, "10")
    _criterion(project, stage, unit, "uptake", Direction.AT_LEAST, "0.5", judged_on=JudgedOn.POINT)
    started = [
        (site, profile, 0.7) for site, profile in zip(practices, PRACTICE_PROFILES, strict=True)
    ] + [(site, SEED_SITES[i][2:], 0.6) for i, site in enumerate(hospitals[:2])]
    for site, (quality, minutes, saved, omissions), uptake in started:
        _scribe_uploads(
            project, stage, site, unit, rng, f"P{site.pk}", (30, 30, 60),
            (quality, minutes, saved, omissions, uptake),
        )  # fmt: skip


# --- TeleKOL -----------------------------------------------------------------------------------


def _telekol_rows(rng, cases: int, prefix: str) -> list[list]:
    risk = rng.normal(-2.0, 1.5, cases)
    outcome = (rng.random(cases) < 1 / (1 + np.exp(-risk))).astype(int)
    score = 1 / (1 + np.exp(-(risk + rng.normal(0, 0.25, cases))))
    sex = rng.choice(["K", "M"], size=cases)
    age = rng.choice(["under 65", "65–74", "75 og derover"], size=cases, p=[0.3, 0.4, 0.3])
    return [
        [f"{prefix}-{index:05d}", float(score[index]), int(outcome[index]), sex[index], age[index]]
        for index in range(cases)
    ]


def _telekol_site(project, stage) -> EvaluationSite:
    name, department = TELEKOL_SITE
    return EvaluationSite.objects.filter(project=project, name=name).first() or services.add_site(
        project=project,
        stage=stage,
        by=project.owner,
        name=name,
        kind=SiteKind.HOSPITAL,
        department=department,
        wave=1,
    )


def _telekol_phase(project: Project, rng, cases: int, prefix: str) -> None:
    stage = project.current_stage
    unit = _member(project, Role.AI_COMPETENCE)
    site = _telekol_site(project, stage)
    _criterion(project, stage, unit, "auroc", Direction.AT_LEAST, "0.70")
    _criterion(project, stage, unit, "sensitivity", Direction.AT_LEAST, "0.60")
    _criterion(
        project,
        stage,
        unit,
        "calibration_slope",
        Direction.AT_LEAST,
        "0.8",
        judged_on=JudgedOn.POINT,
    )
    _criterion(
        project,
        stage,
        unit,
        "calibration_slope",
        Direction.AT_MOST,
        "1.2",
        judged_on=JudgedOn.POINT,
    )
    _upload(
        project,
        stage,
        site,
        UploadKind.CLASSIFICATION,
        ["id", "score", "outcome", "køn", "aldersgruppe"],
        _telekol_rows(rng, cases, prefix),
        unit,
        threshold=TELEKOL_THRESHOLD,
    )


def telekol_retrospective(project: Project, rng) -> None:
    """Historical TeleKOL data 2021-2023 (1,150 citizens, as the case describes)."""
    _telekol_phase(project, rng, 1150, "H")


def telekol_prospective(project: Project, rng) -> None:
    """Silent mode on live data."""
    _telekol_phase(project, rng, 900, "L")


HANDLERS = {
    ("ambient-scribe", "retrospective_validation"): ambient_retrospective,
    ("ambient-scribe", "prospective_validation"): ambient_prospective,
    ("telekol", "retrospective_validation"): telekol_retrospective,
    ("telekol", "prospective_validation"): telekol_prospective,
}
