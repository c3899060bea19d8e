"""The ambient scribe evaluation: note quality (PDQI-9), agreement between raters, errors per
note, documentation time saved and uptake."""

from collections import defaultdict

import numpy as np
from scipy import stats

from .intervals import CONFIDENCE, NOT_COMPUTABLE, Estimate, finite_or_none, mean_t, poisson_rate
from .intervals import wilson as wilson_interval

# The nine PDQI-9 items, each scored 1-5 (Stetson et al., Appl Clin Inform 2012).
PDQI9_ITEMS = (
    "up_to_date",
    "accurate",
    "thorough",
    "useful",
    "organized",
    "comprehensible",
    "succinct",
    "synthesized",
    "internally_consistent",
)
ERROR_COLUMNS = (
    "hallucinations_minor",
    "hallucinations_major",
    "omissions_minor",
    "omissions_major",
)
BOOTSTRAP_REPLICATES = 2000
BOOTSTRAP_SEED = 20250601  # fixed: the same data always give the same interval


def icc_2_1(ratings, confidence: float = CONFIDENCE) -> Estimate:
    """ICC(2,1) of Shrout & Fleiss (1979): two-way random effects, absolute agreement, single
    rater, for a complete targets x raters matrix; CI by McGraw & Wong (1996), case 2A."""
    x = np.asarray(ratings, dtype=float)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 2 or np.isnan(x).any():
        return NOT_COMPUTABLE
    n, k = x.shape
    grand = x.mean()
    ss_rows = k * ((x.mean(axis=1) - grand) ** 2).sum()
    ss_cols = n * ((x.mean(axis=0) - grand) ** 2).sum()
    ss_error = ((x - grand) ** 2).sum() - ss_rows - ss_cols
    msr = ss_rows / (n - 1)
    msc = ss_cols / (k - 1)
    mse = ss_error / ((n - 1) * (k - 1))
    denominator = msr + (k - 1) * mse + k * (msc - mse) / n
    if denominator <= 0:
        return NOT_COMPUTABLE
    icc = (msr - mse) / denominator
    if mse <= 0 or icc >= 1:
        return Estimate(finite_or_none(icc))
    # McGraw & Wong: Satterthwaite degrees of freedom for the denominator mean square.
    a = k * icc / (n * (1 - icc))
    b = 1 + k * icc * (n - 1) / (n * (1 - icc))
    v = (a * msc + b * mse) ** 2 / ((a * msc) ** 2 / (k - 1) + (b * mse) ** 2 / ((n - 1) * (k - 1)))
    alpha = 1 - confidence
    f_low = stats.f.ppf(1 - alpha / 2, n - 1, v)
    f_high = stats.f.ppf(1 - alpha / 2, v, n - 1)
    lower = n * (msr - f_low * mse) / (f_low * (k * msc + (k * n - k - n) * mse) + n * msr)
    upper = n * (f_high * msr - mse) / (k * msc + (k * n - k - n) * mse + n * f_high * msr)
    return Estimate(float(icc), finite_or_none(lower), finite_or_none(upper))


def evaluate_pdqi9(note_ids, raters, items) -> dict:
    """PDQI-9 for one group of notes. `items` is an (ratings x 9) array, one row per note and
    rater.

    The note is the unit of analysis: each note's total (9-45) and item scores are averaged over
    its raters, and the means and t intervals are taken over notes. ICC(2,1) uses the totals of
    the notes rated by every rater who appears (complete cases)."""
    items = np.asarray(items, dtype=float).reshape(-1, len(PDQI9_ITEMS))
    totals = items.sum(axis=1)
    rows_by_note: dict[str, list[int]] = defaultdict(list)
    for row, note in enumerate(note_ids):
        rows_by_note[note].append(row)
    notes = list(rows_by_note)
    note_items = np.array([items[rows_by_note[note]].mean(axis=0) for note in notes])
    note_totals = np.array([totals[rows_by_note[note]].mean() for note in notes])
    rater_list = sorted(set(raters))
    icc, icc_notes = _icc_on_totals(note_ids, raters, totals, rater_list)
    metrics = {
        "pdqi9_total": mean_t(note_totals),
        "pdqi9_item_mean": mean_t(note_totals / len(PDQI9_ITEMS)),
        "icc_2_1": icc,
    }
    return {
        "n": len(notes),
        "n_notes": len(notes),
        "n_raters": len(rater_list),
        "n_ratings": int(items.shape[0]),
        "icc_notes": icc_notes,
        "metrics": {key: value.as_dict() for key, value in metrics.items()},
        "item_means": {
            item: mean_t(note_items[:, index] if len(notes) else []).as_dict()
            for index, item in enumerate(PDQI9_ITEMS)
        },
    }


def _icc_on_totals(note_ids, raters, totals, rater_list) -> tuple[Estimate, int]:
    column = {rater: index for index, rater in enumerate(rater_list)}
    by_note: dict[str, dict[int, float]] = defaultdict(dict)
    for note, rater, total in zip(note_ids, raters, totals, strict=True):
        by_note[note][column[rater]] = total
    complete = [
        [scores[index] for index in range(len(rater_list))]
        for scores in by_note.values()
        if len(scores) == len(rater_list)
    ]
    if len(complete) < 2 or len(rater_list) < 2:
        return NOT_COMPUTABLE, len(complete)
    return icc_2_1(np.array(complete)), len(complete)


def pdqi9_summary(result: dict) -> dict:
    """The analyst's JSON (the `evaluate` command)."""
    return {
        "n_notes": result["n_notes"],
        "n_raters": result["n_raters"],
        "total_mean": result["metrics"]["pdqi9_total"],
        "item_means": result["item_means"],
        "icc_2_1": result["metrics"]["icc_2_1"]["estimate"],
    }


def evaluate_errors(counts: dict[str, list[int]]) -> dict:
    """Errors per note (one row per note): rates with exact Poisson intervals, and the share of
    notes with at least one such error with Wilson intervals."""
    columns = {key: np.asarray(counts[key], dtype=int) for key in ERROR_COLUMNS}
    n = int(columns[ERROR_COLUMNS[0]].size)
    kinds = {
        "hallucinations": columns["hallucinations_minor"] + columns["hallucinations_major"],
        "major_hallucinations": columns["hallucinations_major"],
        "omissions": columns["omissions_minor"] + columns["omissions_major"],
        "major_omissions": columns["omissions_major"],
    }
    metrics = {}
    for kind, values in kinds.items():
        metrics[f"{kind}_per_note"] = poisson_rate(int(values.sum()), n)
        metrics[f"notes_with_{kind}"] = wilson_interval(int(np.count_nonzero(values)), n)
    return {
        "n": n,
        "n_notes": n,
        "totals": {kind: int(values.sum()) for kind, values in kinds.items()},
        "metrics": {key: value.as_dict() for key, value in metrics.items()},
    }


def _bootstrap_means(values: np.ndarray, replicates: int, rng) -> np.ndarray:
    """Means of `replicates` resamples (with replacement), in chunks to bound memory."""
    n = values.size
    out = np.empty(replicates)
    chunk = max(1, min(replicates, 2_000_000 // max(n, 1)))
    for start in range(0, replicates, chunk):
        stop = min(replicates, start + chunk)
        out[start:stop] = values[rng.integers(0, n, size=(stop - start, n))].mean(axis=1)
    return out


def evaluate_time(
    groups,
    minutes,
    used,
    *,
    replicates: int = BOOTSTRAP_REPLICATES,
    seed: int = BOOTSTRAP_SEED,
    confidence: float = CONFIDENCE,
) -> dict:
    """Documentation time per encounter without the scribe (`baseline`: before, or the control
    arm) and with it (`scribe`: after, or the intervention arm).

    Time saved = mean(baseline) - mean(scribe), in minutes and as % of the baseline mean, over
    every encounter of the scribe period whether or not the scribe was used (intention to treat,
    as in the trials); 95 % percentile bootstrap CI, resampling each period separately, seeded so
    the same data give the same interval. Uptake = share of the scribe period's encounters in
    which it was used (Wilson)."""
    groups = np.asarray(groups)
    minutes = np.asarray(minutes, dtype=float)
    used = np.asarray(used, dtype=int)
    baseline = minutes[groups == "baseline"]
    scribe = minutes[groups == "scribe"]
    scribe_used = used[groups == "scribe"]
    metrics = {
        "baseline_minutes": mean_t(baseline),
        "scribe_minutes": mean_t(scribe),
        "uptake": wilson_interval(int(scribe_used.sum()), int(scribe_used.size)),
        "time_saved_minutes": NOT_COMPUTABLE,
        "time_saved_percent": NOT_COMPUTABLE,
    }
    if baseline.size and scribe.size and baseline.mean() > 0:
        saved = baseline.mean() - scribe.mean()
        percent = 100 * saved / baseline.mean()
        if baseline.size >= 2 and scribe.size >= 2:
            rng = np.random.default_rng(seed)
            boot_baseline = _bootstrap_means(baseline, replicates, rng)
            boot_scribe = _bootstrap_means(scribe, replicates, rng)
            boot_saved = boot_baseline - boot_scribe
            with np.errstate(divide="ignore", invalid="ignore"):
                boot_percent = 100 * boot_saved / boot_baseline
            tails = [50 * (1 - confidence), 100 - 50 * (1 - confidence)]
            low, high = np.percentile(boot_saved, tails)
            low_pct, high_pct = np.nanpercentile(boot_percent, tails)
            metrics["time_saved_minutes"] = Estimate(float(saved), float(low), float(high))
            metrics["time_saved_percent"] = Estimate(
                float(percent), finite_or_none(low_pct), finite_or_none(high_pct)
            )
        else:
            metrics["time_saved_minutes"] = Estimate(float(saved))
            metrics["time_saved_percent"] = Estimate(float(percent))
    return {
        "n": int(groups.size),
        "n_baseline": int(baseline.size),
        "n_scribe": int(scribe.size),
        "n_used": int(scribe_used.sum()),
        "metrics": {key: value.as_dict() for key, value in metrics.items()},
    }


def time_summary(result: dict) -> dict:
    """The analyst's JSON (the `evaluate` command)."""
    metrics = result["metrics"]
    return {
        "n_baseline": result["n_baseline"],
        "n_scribe": result["n_scribe"],
        "baseline_minutes": metrics["baseline_minutes"],
        "scribe_minutes": metrics["scribe_minutes"],
        "time_saved_minutes": metrics["time_saved_minutes"],
        "time_saved_percent": metrics["time_saved_percent"],
        "uptake": metrics["uptake"],
    }


def errors_summary(result: dict) -> dict:
    return {"n_notes": result["n_notes"], "totals": result["totals"], **result["metrics"]}
