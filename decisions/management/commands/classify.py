from django.core.management.base import BaseCommand

from decisions.classification import classify, parse_classification_input
from decisions.management.command_io import print_json, read_date, read_json, refuse
from decisions.reasoning import InvalidInput
from decisions.selectors import load_dated_data


class Command(BaseCommand):
    help = (
        "Classify a product (MDR class, AI Act category and routes, FRIA, deployer obligations, "
        "DPIA) from a JSON file of answers; prints the result with its explanation as JSON. "
        "The fields added in December 2026 (in_house_device, art6_3_narrow_task, "
        "evaluation_or_scoring, matching_datasets, prevents_rights_or_service) are optional "
        "and false when left out. Exit status 2 on invalid input."
    )

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="JSON file with the answers")
        parser.add_argument(
            "--date", help="date for the dated data, YYYY-MM-DD (default: today in Denmark)"
        )

    def handle(self, *args, **options):
        raw = read_json(options["input"])
        on = read_date(options["date"])
        try:
            answers = parse_classification_input(raw)
        except InvalidInput as exc:
            raise refuse(exc) from None
        print_json(self, classify(answers, data=load_dated_data(), on=on))
