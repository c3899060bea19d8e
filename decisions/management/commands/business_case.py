from django.core.management.base import BaseCommand

from decisions.business_case import calculate, parse_business_case
from decisions.dated_data import DatedKey
from decisions.management.command_io import print_json, read_date, read_json, refuse
from decisions.reasoning import InvalidInput
from decisions.selectors import load_dated_data


class Command(BaseCommand):
    help = (
        "Calculate a business case (yearly and cumulative net, NPV and payback year per scenario) "
        "from a JSON file; the discount rate defaults to the dated data's. Prints JSON. Exit "
        "status 2 on invalid input."
    )

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="JSON file with the business case")
        parser.add_argument(
            "--date", help="date for the default discount rate, YYYY-MM-DD (default: today)"
        )

    def handle(self, *args, **options):
        raw = read_json(options["input"])
        on = read_date(options["date"])
        rate = load_dated_data().find(DatedKey.DISCOUNT_RATE, on)
        try:
            case = parse_business_case(raw, default_discount_rate=rate.value if rate else None)
        except InvalidInput as exc:
            raise refuse(exc) from None
        output = calculate(case).as_dict()
        if rate is not None and "discount_rate" not in raw:
            output["discount_rate_source"] = rate.as_dict()
        print_json(self, output)
