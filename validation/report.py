"""What a phase's results look like to people: tables, figures and verdicts, built once from
the phase state and used by both the stage panel and the dossier."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .criteria import MET, METRICS, CriterionVerdict, describe, group_results
from .kinds import Direction, UploadKind
from .metrics.scribe import PDQI9_ITEMS
from .plots import Figure, Panel, calibration_figure, forest_figure, roc_figure
from .presentation import (
    STATUS_CLASSES,
    STATUS_LABELS,
    format_metric,
    format_number,
)
from .selectors import PhaseState, spec_of

# The deck's claim for ambient scribes, shown beside the measured time saved.
DECK_CLAIM_PERCENT = (20, 51)


@dataclass
class Table:
    id: str
    caption: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    emphasis_rows: int = 1  # the first row (pooled) is emphasised

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "caption": self.caption,
            "headers": self.headers,
            "rows": self.rows,
            "emphasis_rows": self.emphasis_rows,
        }


@dataclass
class Section:
    kind: str
    title: str
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _groups(kind_results: dict) -> list[tuple[str, dict]]:
    """Pooled, each wave (when there is more than one), each site, each subgroup level."""
    rows = [(_("Pooled"), kind_results["pooled"])]
    waves = kind_results.get("waves", [])
    if len(waves) > 1:
        rows += [(_("Wave %(wave)d") % {"wave": w["wave"]}, w["result"]) for w in waves]
    rows += group_results(kind_results)
    return rows


def _cells(result: dict, metrics: list[str]) -> list[str]:
    return [format_metric(metric, result["metrics"].get(metric)) for metric in metrics]


def _thresholds(verdicts: list[CriterionVerdict], metric: str, scale: float = 1.0):
    out = []
    for verdict in verdicts:
        spec = verdict.spec
        if spec.metric == metric:
            value = float(spec.threshold) * scale
            out.append((value, f"{Direction(spec.direction).label} {format_number(value, 2)}"))
    return out


def _range(rows, metric: str, thresholds, *, bounds=None, pad=0.05) -> tuple[float, float]:
    values = [value for value, _label in thresholds]
    for _label, result in rows:
        data = result["metrics"].get(metric) or {}
        values += [data[k] for k in ("estimate", "ci_low", "ci_high") if data.get(k) is not None]
    if not values:
        return bounds or (0.0, 1.0)
    low, high = min(values), max(values)
    span = max(high - low, 1e-6)
    low, high = low - pad * span * 4, high + pad * span * 4
    if bounds:
        low, high = max(low, bounds[0]), min(high, bounds[1])
    if high - low < 1e-6:
        high = low + 1
    return low, high


def _forest_rows(rows: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
    return [(label, result["metrics"]) for label, result in rows]


def classification_section(phase: str, results: dict, verdicts) -> Section:
    rows = _groups(results)
    section = Section(UploadKind.CLASSIFICATION, _("Predictive and diagnostic performance"))
    section.tables.append(
        Table(
            f"{phase}-classification-table",
            # xgettext:no-python-format
            _("Discrimination and the operating point, with 95 % confidence intervals"),
            [
                _("Group"),
                _("Cases (positive)"),
                _("AUROC"),
                _("Sensitivity"),
                _("Specificity"),
                _("PPV"),
                _("NPV"),
            ],
            [
                [
                    label,
                    f"{result['n']} ({result['n_positive']})",
                    *_cells(result, ["auroc", "sensitivity", "specificity", "ppv", "npv"]),
                ]
                for label, result in rows
            ],
        )
    )
    section.tables.append(
        Table(
            f"{phase}-calibration-table",
            # xgettext:no-python-format
            _("Calibration, with 95 % confidence intervals"),
            [
                _("Group"),
                _("Prevalence"),
                _("Brier score"),
                _("Calibration-in-the-large"),
                _("Calibration slope"),
            ],
            [
                [
                    label,
                    *_cells(
                        result,
                        ["prevalence", "brier", "calibration_intercept", "calibration_slope"],
                    ),
                ]
                for label, result in rows
            ],
        )
    )
    pooled = results["pooled"]
    confusion = pooled.get("confusion")
    if confusion:
        section.tables.append(
            Table(
                f"{phase}-confusion-table",
                _("Confusion matrix at the operating point (pooled)"),
                ["", _("Outcome positive"), _("Outcome negative")],
                [
                    [_("Model positive"), str(confusion["tp"]), str(confusion["fp"])],
                    [_("Model negative"), str(confusion["fn"]), str(confusion["tn"])],
                ],
                emphasis_rows=0,
            )
        )
    else:
        section.notes.append(
            _(
                "The uploads give no operating point (no decision column and no threshold): "
                "sensitivity, specificity, PPV and NPV cannot be computed."
            )
        )
    for figure in (
        roc_figure(f"{phase}-roc", pooled, _("pooled")),
        calibration_figure(f"{phase}-calibration", pooled, _("pooled")),
    ):
        if figure:
            section.figures.append(figure)
    forest_groups = [(label, result) for label, result in rows if not label.startswith(_("Wave"))]
    panels = []
    for metric in ("sensitivity", "specificity"):
        thresholds = _thresholds(verdicts, metric)
        panels.append(
            Panel(
                metric,
                str(METRICS[metric].label).capitalize(),
                _range(forest_groups, metric, thresholds, bounds=(0, 1)),
                3,
                thresholds,
            )
        )
    if confusion:
        figure = forest_figure(
            f"{phase}-forest",
            _("Sensitivity and specificity per site and subgroup"),
            _forest_rows(forest_groups),
            panels,
        )
        if figure:
            section.figures.append(figure)
    return section


def pdqi9_section(phase: str, results: dict, verdicts) -> Section:
    rows = _groups(results)
    section = Section(UploadKind.PDQI9, _("Note quality (PDQI-9)"))
    section.tables.append(
        Table(
            f"{phase}-pdqi9-table",
            # xgettext:no-python-format
            _("PDQI-9 per note (averaged over raters), with 95 % confidence intervals"),
            [
                _("Group"),
                _("Notes"),
                _("Raters"),
                _("Total (9–45)"),
                _("Mean item score (1–5)"),
                _("ICC(2,1)"),
            ],
            [
                [
                    label,
                    str(result["n_notes"]),
                    str(result["n_raters"]),
                    *_cells(result, ["pdqi9_total", "pdqi9_item_mean", "icc_2_1"]),
                ]
                for label, result in rows
            ],
        )
    )
    pooled = results["pooled"]
    section.tables.append(
        Table(
            f"{phase}-pdqi9-items",
            # xgettext:no-python-format
            _("PDQI-9 item means (pooled), with 95 % confidence intervals"),
            [_("Item"), _("Mean (1–5)")],
            [
                [ITEM_LABELS()[item], format_metric("pdqi9_item_mean", pooled["item_means"][item])]
                for item in PDQI9_ITEMS
            ],
            emphasis_rows=0,
        )
    )
    if pooled["metrics"]["icc_2_1"]["estimate"] is not None:
        section.notes.append(
            _("Inter-rater agreement ICC(2,1) computed on the %(n)d notes rated by every rater.")
            % {"n": pooled["icc_notes"]}
        )
    thresholds = _thresholds(verdicts, "pdqi9_item_mean") + _thresholds(
        verdicts, "pdqi9_total", 1 / 9
    )
    figure = forest_figure(
        f"{phase}-pdqi9-forest",
        _("PDQI-9 mean item score per site"),
        _forest_rows(rows),
        [
            Panel(
                "pdqi9_item_mean",
                _("Mean item score (1–5)"),
                _range(rows, "pdqi9_item_mean", thresholds, bounds=(1, 5)),
                2,
                thresholds,
            )
        ],
    )
    if figure:
        section.figures.append(figure)
    return section


def errors_section(phase: str, results: dict, verdicts) -> Section:
    rows = _groups(results)
    section = Section(UploadKind.ERRORS, _("Errors per note"))
    metrics = [
        "hallucinations_per_note",
        "major_hallucinations_per_note",
        "omissions_per_note",
        "major_omissions_per_note",
    ]
    section.tables.append(
        Table(
            f"{phase}-errors-table",
            # xgettext:no-python-format
            _("Errors per note, with exact 95 % confidence intervals"),
            [
                _("Group"),
                _("Notes"),
                _("Hallucinations"),
                _("Major hallucinations"),
                _("Omissions"),
                _("Major omissions"),
            ],
            [[label, str(result["n_notes"]), *_cells(result, metrics)] for label, result in rows],
        )
    )
    panels = []
    for metric, label in (
        ("major_hallucinations_per_note", _("Major hallucinations per note")),
        ("major_omissions_per_note", _("Major omissions per note")),
    ):
        thresholds = _thresholds(verdicts, metric)
        panels.append(
            Panel(metric, label, _range(rows, metric, thresholds, bounds=(0, 10)), 3, thresholds)
        )
    figure = forest_figure(
        f"{phase}-errors-forest", _("Major errors per note per site"), _forest_rows(rows), panels
    )
    if figure:
        section.figures.append(figure)
    return section


def time_section(phase: str, results: dict, verdicts) -> Section:
    rows = _groups(results)
    section = Section(UploadKind.TIME, _("Documentation time and uptake"))
    section.tables.append(
        Table(
            f"{phase}-time-table",
            _(
                "Documentation time per encounter (minutes), time saved and uptake, with "
                "confidence intervals (95 %; bootstrap for time saved)"
            ),
            [
                _("Group"),
                _("Encounters without / with"),
                _("Without scribe"),
                _("With scribe"),
                _("Saved (minutes)"),
                _("Saved (%)"),
                _("Uptake"),
            ],
            [
                [
                    label,
                    f"{result['n_baseline']} / {result['n_scribe']}",
                    *_cells(
                        result,
                        [
                            "baseline_minutes",
                            "scribe_minutes",
                            "time_saved_minutes",
                            "time_saved_percent",
                            "uptake",
                        ],
                    ),
                ]
                for label, result in rows
            ],
        )
    )
    low, high = DECK_CLAIM_PERCENT
    saved = results["pooled"]["metrics"]["time_saved_percent"]
    section.notes.append(
        _(
            "Beside the deck's claim of %(low)d–%(high)d %% time saved: measured here "
            "%(measured)s %%. A randomised trial (NEJM AI 2025) found 9.5 %% for one scribe and "
            "no clear effect for another."
        )
        % {"low": low, "high": high, "measured": format_metric("time_saved_percent", saved)}
    )
    panels = []
    thresholds = _thresholds(verdicts, "time_saved_percent")
    x_low, x_high = _range(
        rows, "time_saved_percent", [*thresholds, (low, ""), (high, "")], bounds=(-100, 100)
    )
    panels.append(
        Panel(
            "time_saved_percent",
            _("Time saved (%)"),
            (x_low, x_high),
            1,
            thresholds,
            band=(low, high, _("deck's claim %(low)d–%(high)d %%") % {"low": low, "high": high}),
        )
    )
    thresholds = _thresholds(verdicts, "uptake")
    panels.append(
        Panel(
            "uptake", _("Uptake"), _range(rows, "uptake", thresholds, bounds=(0, 1)), 2, thresholds
        )
    )
    figure = forest_figure(
        f"{phase}-time-forest",
        _("Documentation time saved and uptake per site"),
        _forest_rows(rows),
        panels,
    )
    if figure:
        section.figures.append(figure)
    return section


def ITEM_LABELS() -> dict[str, str]:  # noqa: N802 - a constant, translated when asked
    return {
        "up_to_date": _("Up-to-date"),
        "accurate": _("Accurate"),
        "thorough": _("Thorough"),
        "useful": _("Useful"),
        "organized": _("Organized"),
        "comprehensible": _("Comprehensible"),
        "succinct": _("Succinct"),
        "synthesized": _("Synthesized"),
        "internally_consistent": _("Internally consistent"),
    }


SECTIONS = {
    UploadKind.CLASSIFICATION: classification_section,
    UploadKind.PDQI9: pdqi9_section,
    UploadKind.ERRORS: errors_section,
    UploadKind.TIME: time_section,
}


def build_sections(state: PhaseState) -> list[Section]:
    return [
        SECTIONS[kind](state.phase, state.results[kind], state.verdicts)
        for kind in UploadKind.values
        if kind in state.results
    ]


@dataclass
class CriterionRow:
    criterion: object
    description: str
    status: str
    status_label: str
    status_class: str
    pooled: str
    judged: str
    failing: list[str]
    # Sites meant to deliver results that have none yet, and groups too small to judge.
    undecided: list[str] = field(default_factory=list)
    # Filled in for the people who may change criteria (the panel, not the dossier).
    change_form: object = None
    withdraw_form: object = None
    change_url: str = ""
    withdraw_url: str = ""

    def as_dict(self) -> dict:
        criterion = self.criterion
        return {
            "id": criterion.pk,
            "metric": criterion.metric,
            "metric_label": str(METRICS[criterion.metric].label),
            "direction": criterion.direction,
            "threshold": str(criterion.threshold),
            "judged_on": criterion.judged_on,
            "every_group": criterion.every_group,
            "description": self.description,
            "changed_after_lock": criterion.after_lock,
            "reason": criterion.reason,
            "status": self.status,
            "status_label": self.status_label,
            "pooled": self.pooled,
            "judged_value": self.judged,
            "failing_groups": self.failing,
        }


def criterion_rows(state: PhaseState) -> list[CriterionRow]:
    rows = []
    for criterion, verdict in zip(state.criteria, state.verdicts, strict=True):
        status = verdict.status if state.has_results else "incomplete"
        pooled = verdict.pooled
        rows.append(
            CriterionRow(
                criterion=criterion,
                description=describe(spec_of(criterion)),
                status=status,
                status_label=str(STATUS_LABELS[status]),
                status_class=STATUS_CLASSES[status],
                pooled=format_metric(criterion.metric, pooled.estimate.as_dict())
                if pooled
                else "–",
                judged=format_number(pooled.judged, METRICS[criterion.metric].digits)
                if pooled
                else "–",
                failing=[group.label for group in verdict.failing],
                undecided=[group.label for group in verdict.undecided],
            )
        )
    return rows


def overall_status(state: PhaseState) -> tuple[str, str, str]:
    """(code, label, css class) of the phase's verdict, an override included."""
    if state.signed_override is not None and state.overall != MET:
        return "overridden", _("passed by override"), "warning"
    status = state.overall
    return status, str(STATUS_LABELS[status]), STATUS_CLASSES[status]
