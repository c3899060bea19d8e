"""Results per site, wave and subgroup, and the verdict on the criteria (pure functions)."""

from decimal import Decimal

import numpy as np
import pytest

from validation.criteria import (
    INCOMPLETE,
    MET,
    NOT_EVALUABLE,
    NOT_MET,
    CriterionSpec,
    describe,
    judge,
    judged_value,
    overall,
)
from validation.kinds import Direction, JudgedOn
from validation.metrics.classification import evaluate_classification
from validation.metrics.grouping import SitePart, evaluate_sites, evaluate_table
from validation.metrics.intervals import Estimate


def classification_part(site_id, wave, n, seed, shift=1.0, threshold=0.5, sex=True):
    rng = np.random.default_rng(seed)
    outcome = (rng.random(n) < 0.4).astype(int)
    score = 1 / (1 + np.exp(-(rng.normal(0, 1, n) + shift * (2 * outcome - 1))))
    subgroups = {"sex": ["K" if i % 2 else "M" for i in range(n)]} if sex else {}
    return SitePart(
        site_id=site_id,
        site_name=f"Site {site_id}",
        wave=wave,
        columns={"id": [str(i) for i in range(n)], "score": score.tolist(),
                 "outcome": outcome.tolist()},
        subgroups=subgroups,
        threshold=threshold,
    )  # fmt: skip


def test_pooled_results_are_the_concatenation_of_the_sites():
    parts = [classification_part(1, 1, 200, 1), classification_part(2, 2, 300, 2, shift=0.3)]
    results = evaluate_sites("classification", parts)
    scores = np.concatenate([p.columns["score"] for p in parts])
    outcomes = np.concatenate([p.columns["outcome"] for p in parts])
    pooled = evaluate_classification(scores, outcomes, (scores >= 0.5).astype(int))
    assert results["pooled"]["metrics"] == pooled["metrics"]
    assert [s["name"] for s in results["sites"]] == ["Site 1", "Site 2"]
    assert [w["wave"] for w in results["waves"]] == [1, 2]
    assert results["waves"][0]["result"]["metrics"] == results["sites"][0]["result"]["metrics"]
    assert [(g["column"], g["level"]) for g in results["subgroups"]] == [
        ("sex", "K"),
        ("sex", "M"),
    ]
    assert sum(g["result"]["n"] for g in results["subgroups"]) == 500
    assert results["pooled"]["roc"] and "roc" not in results["sites"][0]["result"]


def test_a_site_without_a_subgroup_column_counts_as_unknown():
    parts = [classification_part(1, 1, 100, 1), classification_part(2, 1, 50, 2, sex=False)]
    levels = [g["level"] for g in evaluate_sites("classification", parts)["subgroups"]]
    assert levels == ["K", "M", "–"]


def test_decisions_from_a_column_or_a_threshold():
    part = classification_part(1, 1, 100, 3, threshold=None)
    assert evaluate_sites("classification", [part])["pooled"]["confusion"] is None
    columns = dict(part.columns, decision=[1] * 100)
    result = evaluate_table("classification", columns)
    assert result["pooled"]["confusion"]["fn"] == 0  # every case called positive


def test_notes_with_the_same_id_at_two_sites_stay_two_notes():
    columns = {
        "note_id": ["1", "1"],
        "rater": ["A", "B"],
        **{item: [4, 4] for item in ("up_to_date", "accurate", "thorough", "useful",
                                      "organized", "comprehensible", "succinct", "synthesized",
                                      "internally_consistent")},
    }  # fmt: skip
    parts = [SitePart(1, "A", 1, columns, {}), SitePart(2, "B", 1, columns, {})]
    assert evaluate_sites("pdqi9", parts)["pooled"]["n_notes"] == 2


def results_with(pooled: Estimate, sites: list[Estimate], metric="sensitivity"):
    def result(estimate):
        return {"metrics": {metric: estimate.as_dict()}}

    return {
        "classification": {
            "pooled": result(pooled),
            "sites": [
                {"name": f"S{i}", "wave": 1, "result": result(e)} for i, e in enumerate(sites)
            ],
            "subgroups": [],
        }
    }


def spec(**kwargs):
    values = {"id": 1, "metric": "sensitivity", "direction": Direction.AT_LEAST,
              "threshold": Decimal("0.8")}  # fmt: skip
    return CriterionSpec(**{**values, **kwargs})


def test_judged_on_the_lower_bound_by_default():
    estimate = Estimate(0.85, 0.78, 0.90)
    assert judged_value(estimate, Direction.AT_LEAST, JudgedOn.BOUND) == 0.78
    assert judged_value(estimate, Direction.AT_MOST, JudgedOn.BOUND) == 0.90
    assert judged_value(estimate, Direction.AT_LEAST, JudgedOn.POINT) == 0.85
    results = results_with(estimate, [])
    assert judge(spec(), results).status == NOT_MET
    assert judge(spec(judged_on=JudgedOn.POINT), results).status == MET
    assert judge(spec(threshold=Decimal("0.78")), results).status == MET  # >= is inclusive


def test_at_most_is_judged_on_the_upper_bound():
    results = results_with(Estimate(0.10, 0.05, 0.16), [], metric="brier")
    assert judge(spec(metric="brier", direction="le", threshold="0.15"), results).status == NOT_MET
    assert judge(spec(metric="brier", direction="le", threshold="0.2"), results).status == MET


def test_every_site_must_meet_it_when_asked():
    results = results_with(Estimate(0.9, 0.85, 0.93), [Estimate(0.92, 0.86, 0.95),
                                                         Estimate(0.8, 0.7, 0.88)])  # fmt: skip
    assert judge(spec(), results).status == MET
    verdict = judge(spec(every_group=True), results)
    assert verdict.status == NOT_MET
    assert [group.label for group in verdict.failing] == ["S1"]


def test_missing_values_cannot_be_judged():
    assert judge(spec(), {}).status == NOT_EVALUABLE
    results = results_with(Estimate(None), [])
    assert judge(spec(), results).status == NOT_EVALUABLE
    assert overall([judge(spec(), results)], has_results=True) == NOT_MET
    assert overall([], has_results=True) == INCOMPLETE


def test_description():
    assert describe(spec()) == ("sensitivity ≥ 0.8, on the lower 95 % confidence bound, pooled")
    assert describe(spec(metric="brier", direction="le", threshold=Decimal("0.2500"),
                         judged_on="point", every_group=True)) == (
        "Brier score ≤ 0.25, on the point estimate, pooled and at every site and subgroup"
    )  # fmt: skip


@pytest.mark.parametrize("metric", ["auroc", "pdqi9_total", "time_saved_percent", "uptake"])
def test_every_metric_has_a_kind_and_a_label(metric):
    from validation.criteria import METRICS

    assert METRICS[metric].kind and str(METRICS[metric].label)
