"""Validation benchmark: the classification results for 100,000 cases with subgroups, timed.

    .venv/bin/python bench/evaluation.py [--rows 100000] [--repeat 3]

Generates a seeded data set (score, outcome, the vendor's decision, and subgroup columns: one
with five levels, one with two), writes it as a Danish CSV export (`;`, decimal commas), then
times, each the best of --repeat runs:
- parsing the CSV (row-level checks, all or nothing),
- the pooled results with curves plus every subgroup level (what an upload computes),
- DeLong's AUROC CI alone, beside an O(n^2) computation on a 5,000-case sample scaled up, to show
  the O(n log n) algorithm is the one in use.
Target: parse + evaluate under 5 s. The last line is `classification_100k_seconds=<x>`.
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")


def make_csv(rows: int, seed: int = 1) -> bytes:
    import numpy as np

    rng = np.random.default_rng(seed)
    risk = rng.normal(-1.6, 1.3, rows)
    outcome = (rng.random(rows) < 1 / (1 + np.exp(-risk))).astype(int)
    score = 1 / (1 + np.exp(-(risk + rng.normal(0, 0.3, rows))))
    decision = (score >= 0.25).astype(int)
    sites = rng.choice(["A", "B", "C", "D", "E"], size=rows)
    sex = rng.choice(["K", "M"], size=rows)
    out = io.StringIO()
    out.write("id;score;outcome;decision;site;sex\n")
    for i in range(rows):
        out.write(
            f"{i};{score[i]:.6f};{outcome[i]};{decision[i]};{sites[i]};{sex[i]}\n".replace(".", ",")
        )
    return out.getvalue().encode("utf-8")


def best_of(repeat: int, func):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return min(times), result


def delong_quadratic(scores, outcomes) -> float:
    """The textbook O(m*n) DeLong variance, for comparison only."""

    pos, neg = scores[outcomes == 1], scores[outcomes == 0]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    return psi.mean(axis=1).var(ddof=1) / pos.size + psi.mean(axis=0).var(ddof=1) / neg.size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import django

    django.setup()
    import numpy as np

    from validation.metrics.classification import auroc_delong
    from validation.metrics.grouping import evaluate_table
    from validation.parsing import parse_upload

    data = make_csv(args.rows)
    print(f"rows: {args.rows:,}  csv: {len(data) / 1e6:.1f} MB  (subgroups: site x5, sex x2)")

    parse_s, table = best_of(args.repeat, lambda: parse_upload(data, "bench.csv", "classification"))
    print(f"parse CSV:                 {parse_s:.3f} s")
    evaluate_s, results = best_of(
        args.repeat,
        lambda: evaluate_table("classification", table.columns, table.subgroups),
    )
    groups = len(results["subgroups"])
    print(f"evaluate (pooled + {groups} subgroup levels): {evaluate_s:.3f} s")
    scores = np.asarray(table.columns["score"])
    outcomes = np.asarray(table.columns["outcome"])
    delong_s, auroc = best_of(args.repeat, lambda: auroc_delong(scores, outcomes))
    print(
        f"DeLong AUROC alone:        {delong_s:.3f} s  "
        f"(AUROC {auroc.estimate:.4f}, 95 % CI {auroc.ci_low:.4f}-{auroc.ci_high:.4f})"
    )
    sample = np.random.default_rng(2).choice(scores.size, 5_000, replace=False)
    quad_s, _variance = best_of(1, lambda: delong_quadratic(scores[sample], outcomes[sample]))
    scaled = quad_s * (scores.size / sample.size) ** 2
    print(f"O(n^2) DeLong, 5,000 cases: {quad_s:.3f} s  -> about {scaled:.0f} s at {scores.size:,}")
    total = parse_s + evaluate_s
    print(f"parse + evaluate: {total:.3f} s (target < 5 s): {'OK' if total < 5 else 'TOO SLOW'}")
    print(f"classification_100k_seconds={total:.3f}")


if __name__ == "__main__":
    main()
