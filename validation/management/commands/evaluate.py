"""python manage.py evaluate --kind classification|pdqi9|time|errors --input FILE [--threshold X]

Computes the same results as an upload on the validation page, from a CSV or XLSX file, and
prints them as JSON for analysts and scripts. Nothing is stored.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from validation.kinds import UploadKind
from validation.metrics.classification import classification_summary
from validation.metrics.grouping import evaluate_table
from validation.metrics.scribe import errors_summary, pdqi9_summary, time_summary
from validation.parsing import ParseError, parse_upload

SUMMARIES = {
    UploadKind.CLASSIFICATION: classification_summary,
    UploadKind.PDQI9: pdqi9_summary,
    UploadKind.TIME: time_summary,
    UploadKind.ERRORS: errors_summary,
}


class Command(BaseCommand):
    help = "Compute validation results from a CSV or XLSX file and print them as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=list(SUMMARIES))
        parser.add_argument("--input", required=True, type=Path, help="a .csv or .xlsx file")
        parser.add_argument(
            "--threshold",
            type=float,
            default=None,
            help="classification: a case is positive when its score is at least this "
            "(used when the file has no decision column)",
        )
        parser.add_argument(
            "--subgroups",
            action="store_true",
            help="add the results per subgroup column (under 'subgroups')",
        )

    def handle(self, *args, kind: str, input: Path, threshold, subgroups: bool, **options):
        if threshold is not None and not 0 <= threshold <= 1:
            raise CommandError("--threshold must be between 0 and 1.")
        try:
            data = input.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {input}: {exc.strerror}") from exc
        try:
            table = parse_upload(data, input.name, kind)
        except ParseError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        results = evaluate_table(kind, table.columns, table.subgroups, threshold=threshold)
        summarise = SUMMARIES[kind]
        output = summarise(results["pooled"])
        if subgroups:
            output["subgroups"] = [
                {"column": g["column"], "level": g["level"], **summarise(g["result"])}
                for g in results["subgroups"]
            ]
        self.stdout.write(json.dumps(output, indent=2, ensure_ascii=False))
