import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from assistant.answering import QuestionError, answer_question
from procurement.permissions import get_visible_project

ERRORS = {
    "empty": "The question is empty.",
    "too_long": "The question is too long (at most 300 characters).",
    "language": "--lang must be da or en.",
    "pathway": "No published pathway has that slug.",
}


class Command(BaseCommand):
    help = "Ask the guide a question; prints the cited passages (or JSON with --format json)."

    def add_arguments(self, parser):
        parser.add_argument("question")
        parser.add_argument("--lang", default="da", choices=["da", "en"])
        parser.add_argument("--pathway", help="search only this pathway (its latest version)")
        parser.add_argument("--project", type=int, help="answer inside this project (needs --user)")
        parser.add_argument("--user", help="the person asking (username)")
        parser.add_argument("--format", default="text", choices=["text", "json"])

    def handle(self, *args, **options):
        project, user = self._project_and_user(options)
        try:
            answer = answer_question(
                options["question"],
                language=options["lang"],
                project=project,
                user=user,
                pathway_slug=options["pathway"],
            )
        except QuestionError as exc:
            raise CommandError(ERRORS[str(exc)], returncode=2) from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps(answer.as_dict(), ensure_ascii=False, indent=2))
            return
        if answer.project_answer:
            self.stdout.write(answer.project_answer.heading)
            if answer.project_answer.intro:
                self.stdout.write(f"  {answer.project_answer.intro}")
            for line in answer.project_answer.lines:
                self.stdout.write(f"  - {line}")
        if answer.declined:
            self.stdout.write("The guide does not cover this.")
        for position, c in enumerate(answer.citations, start=1):
            self.stdout.write(f"{position}. [{c.kind} {c.key}] {c.title} ({c.score:.2f})")
            self.stdout.write(f"   {c.url}")

    def _project_and_user(self, options):
        if options["project"] is None:
            if options["user"]:
                raise CommandError("--user is only used with --project.", returncode=2)
            return None, None
        if not options["user"]:
            raise CommandError("--project needs --user (whose view to answer from).", returncode=2)
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user {options['user']!r}.", returncode=2)
        try:
            return get_visible_project(user, options["project"]), user
        except Http404:
            raise CommandError(
                f"No project {options['project']} that {user.username} may see.", returncode=2
            ) from None
