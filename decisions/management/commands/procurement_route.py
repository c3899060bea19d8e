from django.core.management.base import BaseCommand

from decisions.management.command_io import print_json, read_date, refuse
from decisions.procurement_route import procurement_route
from decisions.reasoning import InvalidInput
from decisions.selectors import load_dated_data


class Command(BaseCommand):
    help = (
        "Whether an EU procedure is required for a region's supplies or services of the given "
        "estimated value (DKK, whole contract period including options) on a date; prints JSON. "
        "Exit status 2 on invalid input."
    )

    def add_arguments(self, parser):
        parser.add_argument("--value", required=True, help="estimated contract value in DKK")
        parser.add_argument("--date", help="YYYY-MM-DD (default: today in Denmark)")

    def handle(self, *args, **options):
        on = read_date(options["date"])
        try:
            result = procurement_route(value_dkk=options["value"], on=on, data=load_dated_data())
        except InvalidInput as exc:
            raise refuse(exc) from None
        print_json(self, result)
