"""`manage.py create_api_token USERNAME --scope read [--scope write] [--days N] [--name NAME]
[--project ID | --organisation ID]`: a token for a person or a system account, printed once."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organisation, User
from procurement.models import Project

from ...models import Scope
from ...services import create_token


class Command(BaseCommand):
    help = "Create an API token and print it once (it is stored hashed)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--scope", action="append", choices=Scope.values, required=True, dest="scopes"
        )
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--name", default="")
        binding = parser.add_mutually_exclusive_group()
        binding.add_argument("--project", type=int, help="Bind the token to this project.")
        binding.add_argument("--organisation", type=int, help="Bind it to this organisation.")

    def handle(self, *args, username, scopes, days, name, project, organisation, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        bound_project = bound_organisation = None
        if project is not None:
            bound_project = Project.objects.filter(pk=project).first()
            if bound_project is None:
                raise CommandError(f"No project {project}.")
        if organisation is not None:
            bound_organisation = Organisation.objects.filter(pk=organisation).first()
            if bound_organisation is None:
                raise CommandError(f"No organisation {organisation}.")
        if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
            raise CommandError(f"--days must be between 1 and {settings.API_TOKEN_MAX_DAYS}.")
        try:
            _token, secret = create_token(
                user=user,
                by=None,  # an operator at the command line
                name=name or f"{username} (manage.py)",
                scopes=list(dict.fromkeys(scopes)),
                days=days,
                project=bound_project,
                organisation=bound_organisation,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(secret)
