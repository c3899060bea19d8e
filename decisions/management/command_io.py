"""What the decision commands share: reading a JSON input file, reading a date, printing JSON,
and turning bad input into a clear message with exit status 2."""

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from decisions.dated_data import copenhagen_today
from decisions.reasoning import InvalidInput

INVALID = 2  # the exit status for input the command cannot use


def invalid(message: str) -> CommandError:
    return CommandError(message, returncode=INVALID)


def read_json(path: str) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise invalid(f"--input: cannot read {path}: {exc.strerror or exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise invalid(
            f"--input: {path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None


def read_date(text: str | None) -> date:
    if text is None:
        return copenhagen_today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise invalid(f"--date: {text!r} is not a date in the form YYYY-MM-DD") from None


def refuse(exc: InvalidInput) -> CommandError:
    return invalid("invalid input: " + "; ".join(f"{f}: {m}" for f, m in exc.errors))


def print_json(command: BaseCommand, data: Any) -> None:
    command.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
