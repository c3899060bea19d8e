"""Every plot's text fits its picture (issue 19): each <text> element, measured with the font the
plots name (DejaVu Sans, the font the PDF renderer and Debian's browsers use), lies inside the SVG's
viewBox, in both languages, for the demo's validation results and monitoring charts."""

import re
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from PIL import ImageFont

from monitoring.presentation import figures as monitoring_figures
from monitoring.selectors import load_state
from procurement.models import Project
from tests.module_data import module_data
from validation.kinds import Phase
from validation.report import build_sections
from validation.selectors import load_phase_state

FONTS = Path("/usr/share/fonts/truetype/dejavu")
EVIDENCE = Path(tempfile.mkdtemp(prefix="plot-text-evidence-"))
SVG = "{http://www.w3.org/2000/svg}"


def seed():
    call_command("load_pathways", verbosity=0)
    call_command("seed_demo", "--force")


demo = module_data(seed, snapshot="demo", DEBUG=False, EVIDENCE_ROOT=EVIDENCE)


def font(size: float, bold: bool):
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(FONTS / name), size=round(size))


def overflows(svg: str) -> list[str]:
    """The texts that stick out of the viewBox (with half a pixel of rounding)."""
    root = ET.fromstring(svg)  # noqa: S314 - the app's own drawing, not user input
    _x, _y, width, height = (float(v) for v in root.get("viewBox").split())
    problems = []
    for text in root.iter(f"{SVG}text"):
        content = "".join(text.itertext())
        size = float(text.get("font-size", "12"))
        length = font(size, text.get("font-weight") == "bold").getlength(content)
        x, y = float(text.get("x")), float(text.get("y"))
        anchor = text.get("text-anchor", "start")
        start = {"start": 0.0, "middle": -length / 2, "end": -length}[anchor]
        along = (start, start + length)
        if "rotate(-90" in (text.get("transform") or ""):
            # Rotated about (x, y): the text runs upwards from y - start.
            low, high = y - along[1], y - along[0]
            inside = 0 - 0.5 <= low and high <= height + 0.5 and x - size >= -0.5
        else:
            low, high = x + along[0], x + along[1]
            inside = -0.5 <= low and high <= width + 0.5 and y - size >= -0.5 and y <= height + 0.5
        if not inside:
            problems.append(f"{content!r} ({low:.0f}–{high:.0f} of {width:.0f}×{height:.0f})")
    return problems


def demo_figures():
    figures = []
    for project in Project.objects.all():
        for phase in Phase.values:
            state = load_phase_state(project, phase, with_events=False)
            for section in build_sections(state):
                figures += [
                    (f"{project.title[:20]} {figure.id}", figure) for figure in section.figures
                ]
        for chart in monitoring_figures(load_state(project)):
            figures.append((f"{project.title[:20]} {chart.id}", chart))
    return figures


@pytest.mark.skipif(not (FONTS / "DejaVuSans.ttf").exists(), reason="fonts-dejavu-core missing")
@pytest.mark.parametrize("language", ["da", "en"])
def test_every_plot_label_fits_its_picture(demo, db, settings, language):
    settings.EVIDENCE_ROOT = EVIDENCE
    with translation.override(language):
        figures = demo_figures()
        assert len(figures) >= 5, "the demo draws plots"
        problems = [f"{name}: {text}" for name, figure in figures for text in overflows(figure.svg)]
    assert not problems, "\n".join(problems)


def test_the_measure_finds_a_label_that_sticks_out():
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 50">'
        '<text x="90" y="20" font-size="12">Sensitivitet</text></svg>'
    )
    assert overflows(svg)
    fits = svg.replace('x="90"', 'x="2"')
    assert not overflows(fits)
    assert re.search("Sensitivitet", overflows(svg)[0])
