"""The SVG figures (well-formed, titled, described, escaped) and the dossier's data."""

import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from django.template.loader import render_to_string

from checklists.extensions import TOOLS
from tests.validation.helpers import add_criterion, add_site, pdqi9_file, stage, upload
from validation.metrics.classification import evaluate_classification
from validation.models import ResultUpload
from validation.plots import Panel, calibration_figure, forest_figure, nice_axis, roc_figure

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def pooled():
    rng = np.random.default_rng(1)
    scores = rng.random(400)
    outcomes = (rng.random(400) < scores).astype(int)
    return evaluate_classification(scores, outcomes, (scores > 0.5).astype(int), curves=True)


def parse(figure):
    return ET.fromstring(str(figure.svg))  # noqa: S314 - our own SVG


def test_roc_figure(pooled):
    figure = roc_figure("f-roc", pooled)
    root = parse(figure)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "f-roc-title f-roc-desc"
    assert root.find(f"{SVG}title").text == "ROC curve"
    assert "At the operating point" in root.find(f"{SVG}desc").text
    assert root.find(f"{SVG}polyline") is not None and root.find(f"{SVG}circle") is not None
    assert figure.rows[-1][0].endswith("(operating point)")


def test_calibration_figure(pooled):
    figure = calibration_figure("f-cal", pooled)
    root = parse(figure)
    assert len(root.findall(f"{SVG}circle")) == 10
    assert len(figure.rows) == 10 and len(figure.headers) == 4


def test_forest_figure_escapes_uploaded_text():
    rows = [
        ("Pooled", {"sensitivity": {"estimate": 0.8, "ci_low": 0.7, "ci_high": 0.9}}),
        ('<script>alert("x")</script>', {"sensitivity": {"estimate": 0.6, "ci_low": 0.5,
                                                          "ci_high": 0.7}}),
    ]  # fmt: skip
    figure = forest_figure(
        "f-forest", "Sensitivity", rows, [Panel("sensitivity", "Sensitivity", (0.5, 0.9), 2,
                                                [(0.75, "≥ 0.75")])]
    )  # fmt: skip
    svg = str(figure.svg)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    root = parse(figure)  # still well-formed
    assert "Dashed red lines mark the acceptance criteria." in root.find(f"{SVG}desc").text
    assert figure.rows[1] == ['<script>alert("x")</script>', "0.60 (0.50–0.70)"]


def test_no_figure_without_data():
    assert roc_figure("x", {"roc": [], "metrics": {}}) is None
    assert forest_figure("x", "t", [], [Panel("auroc", "AUROC", (0, 1))]) is None


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        ((0.0, 1.0), None, (0.0, 1.0, 0.25, 2)),
        ((0.89, 1.0), None, (0.85, 1.0, 0.05, 2)),
        ((-28.0, 64.0), None, (-50.0, 75.0, 25.0, 0)),
    ],
)
def test_axes_have_round_steps(low, high, expected):
    assert nice_axis(*low) == pytest.approx(expected)


def test_dossier_data_is_json_and_renders(vteam):
    add_criterion(vteam, metric="pdqi9_item_mean", threshold="3.5", every_group=True)
    site = add_site(vteam)
    upload(vteam, site, file=pdqi9_file(), kind="pdqi9")
    project = vteam.reload()
    retrospective = stage(vteam)
    tool = TOOLS["validation"]
    data = tool.dossier_data(project=project, stage=retrospective)
    encoded = json.loads(json.dumps(data))
    assert encoded["phase"] == "retrospective"
    assert encoded["verdict"] == "met"
    assert encoded["criteria"][0]["status"] == "met"
    assert encoded["criteria_locked_at"]
    assert encoded["uploads"][0]["sha256"] == ResultUpload.objects.get().sha256
    assert {f["id"] for f in encoded["figures"]} == {"retrospective-pdqi9-forest"}
    assert encoded["results"]["pdqi9"]["pooled"]["n_notes"] == 20
    assert [e["action"] for e in encoded["history"]][-1] == "verdict"
    html = render_to_string(tool.dossier_template_name, {"data": data})
    assert "<svg" in html and "PDQI-9" in html and "<details" not in html
    # A stage with no validation data contributes nothing to the dossier.
    prospective = project.stage("prospective_validation")
    assert tool.dossier_data(project=project, stage=prospective) is None
