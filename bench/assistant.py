"""The assistant's evaluation: Recall@5, MRR@10, declined shares and latency per question, for
each question set (assistant/evaluation.py: the first set's training and held-out parts, the
development sets, the new held-out set) and for all together, against a throw-away SQLite database
with the shipped pathways loaded (indexed before timing).

    .venv/bin/python bench/assistant.py [--failures] [--calibrate]

`--failures` lists the training and development (dev, dev2, dev3) questions that miss (never the
held-out ones: they are for measuring, not tuning). `--calibrate` fits the decline's thresholds
on the training and development sets only (assistant/evaluation.py: calibrate) and prints the
best combinations and the one chosen (evaluation.chosen), which is then written into the
modules' constants.
"""

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(workdir: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--failures", action="store_true")
    parser.add_argument("--calibrate", action="store_true")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-assistant-"))
    try:
        setup_django(workdir)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("load_pathways", verbosity=0)
        from assistant.evaluation import (
            CALIBRATION_GRID,
            calibrate,
            chosen,
            figures,
            misses,
            question_sets,
            run,
        )

        sets = question_sets()
        if args.calibrate:
            names = [f"{m.__name__.split('.')[-1]}.{name}" for m, name, _ in CALIBRATION_GRID]
            results = calibrate(sets)
            for values, summary in results[:10]:
                shown = ", ".join(f"{n}={v}" for n, v in zip(names, values, strict=True))
                print(f"{shown}: meets {summary['meets']} · score {summary['score']:.3f} · "
                      f"margin {summary['margin']:.3f}")  # fmt: skip
            values = chosen(results)
            print("chosen:", ", ".join(f"{n}={v}" for n, v in zip(names, values, strict=True)))
            return
        outcomes = run([q for questions in sets.values() for q in questions])
        parts, start = {}, 0
        for name, questions in sets.items():
            parts[name] = outcomes[start : start + len(questions)]
            start += len(questions)
        parts["all"] = outcomes
        for name, part in parts.items():
            f = figures(part)
            print(
                f"{name:>12}: {f['questions']} questions ({f['covered']} covered, "
                f"{f['uncovered']} uncovered) · Recall@5 {f['recall_at_5']:.3f} · "
                f"MRR@10 {f['mrr_at_10']:.3f} · uncovered declined {f['uncovered_declined']:.1%}"
                f" · covered wrongly declined {f['covered_declined']:.1%} · "
                f"median {f['median_ms']:.2f} ms · p95 {f['p95_ms']:.2f} ms"
            )
            for problem in misses(f):
                print(f"              below target: {problem}")
        if args.failures:
            for o in parts["training"] + parts["dev"] + parts["dev2"] + parts["dev3"]:
                q = o.question
                bad = (q.covered and (o.declined or not o.rank or o.rank > 5)) or (
                    not q.covered and not o.declined
                )
                if bad:
                    print(f"MISS [{q.language}] {q.text!r} expect={list(q.expect)} "
                          f"rank={o.rank} declined={o.declined} got={o.keys[:5]}")  # fmt: skip
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
