"""Building results files and moving the test project for the validation tests."""

import io
from pathlib import Path

import numpy as np
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from tests.personas import Team, advance, answer
from validation import services
from validation.kinds import SiteKind
from validation.metrics.scribe import PDQI9_ITEMS

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "validation-test.v1.yaml"


def to_retrospective(team: Team):
    answer(team, "need.problem", "Lange ventetider.")
    return advance(team)


def stage(team: Team, key: str | None = None):
    project = team.reload()
    return project.stage(key) if key else project.current_stage


def csv_bytes(header, rows, *, sep=";", decimal=",", encoding="utf-8") -> bytes:
    out = io.StringIO()
    out.write(sep.join(header) + "\n")
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, float):
                cells.append(repr(value).replace(".", decimal))
            else:
                cells.append(str(value))
        out.write(sep.join(cells) + "\n")
    return out.getvalue().encode(encoding)


def classification_rows(n=400, seed=1, subgroups=True):
    """Scores from a model with AUROC about 0.8, outcomes drawn from the scores."""
    rng = np.random.default_rng(seed)
    risk = rng.normal(-1.0, 1.3, n)
    outcome = (rng.random(n) < 1 / (1 + np.exp(-risk))).astype(int)
    score = 1 / (1 + np.exp(-risk))
    rows = []
    for i in range(n):
        row = [f"c{i}", round(float(score[i]), 4), int(outcome[i])]
        if subgroups:
            row.append("K" if i % 2 else "M")
        rows.append(row)
    header = ["id", "score", "outcome"] + (["køn"] if subgroups else [])
    return header, rows


def classification_file(name="results.csv", **kwargs) -> SimpleUploadedFile:
    header, rows = classification_rows(**kwargs)
    return SimpleUploadedFile(name, csv_bytes(header, rows), "text/csv")


def pdqi9_file(name="pdqi9.csv", notes=20, quality=4.2, seed=2) -> SimpleUploadedFile:
    rng = np.random.default_rng(seed)
    rows = []
    for note in range(notes):
        base = quality + rng.normal(0, 0.3)
        for rater in ("A", "B"):
            scores = np.clip(np.rint(base + rng.normal(0, 0.4, 9)), 1, 5).astype(int)
            rows.append([f"n{note}", rater, *scores.tolist()])
    return SimpleUploadedFile(name, csv_bytes(["note_id", "rater", *PDQI9_ITEMS], rows), "text/csv")


def add_site(team: Team, name="OUH Testafdeling", wave=1, by=None):
    return services.add_site(
        project=team.reload(),
        stage=stage(team),
        by=by or team.clinician,
        name=name,
        kind=SiteKind.HOSPITAL,
        department="Test",
        wave=wave,
    )


def add_criterion(team: Team, metric="auroc", direction="ge", threshold="0.7", by=None, **kw):
    return services.add_criterion(
        project=team.reload(),
        stage=stage(team),
        by=by or team.ai_competence,
        metric=metric,
        direction=direction,
        threshold=threshold,
        **kw,
    )


def upload(team: Team, site, file=None, kind="classification", by=None, threshold="0.3"):
    """Upload and commit (the file gets its real name only when its row is committed)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.upload_results(
            project=team.reload(),
            stage=stage(team),
            site=site,
            kind=kind,
            upload=file or classification_file(),
            by=by or team.ai_competence,
            threshold=threshold,
        )
