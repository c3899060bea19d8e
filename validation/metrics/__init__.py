"""The statistics behind validation, as pure functions of numbers (no database, no Django).

- `intervals`: confidence intervals shared by the rest (Wilson, exact Poisson, t).
- `classification`: AUROC with DeLong's CI, the confusion matrix and the metrics at the operating
  point, Brier score, calibration, the ROC curve and calibration deciles.
- `scribe`: the ambient scribe evaluation: PDQI-9, ICC(2,1), errors per note, time saved, uptake.
- `grouping`: the same evaluation per site, per wave and per subgroup, and pooled.

Every estimate is an `Estimate(estimate, ci_low, ci_high)` with 95 % intervals; values that cannot
be computed (no positives, fewer than two notes...) are None rather than NaN, so the results are
JSON as they are.
"""
