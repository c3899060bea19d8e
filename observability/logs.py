"""Structured logs: one JSON object per line, for a log collector (Loki, Elastic, Splunk...).

A small formatter on the standard library rather than python-json-logger: the fields are few and
fixed, the app's log messages already carry no personal data, and a JSON encoder is all it takes
(python-json-logger would add a dependency for the same twenty lines). Active when DEBUG is off
or LOG_FORMAT=json (config/settings.py).

Fields: `time` (UTC, ISO 8601), `level`, `logger`, `message`, and when set `request_id`,
`user_id`, `project_id` (ids only: never a name, a username or an e-mail address), `exception`;
the access log line adds `method`, `view`, `status`, `duration_ms`.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from . import context

EXTRA_FIELDS = ("method", "view", "status", "duration_ms")


class RequestContextFilter(logging.Filter):
    """Adds the current request's id, user id and project id to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = context.request_id.get()
        record.user_id = context.user_id.get()
        record.project_id = context.project_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in ("request_id", "user_id", "project_id", *EXTRA_FIELDS):
            value = getattr(record, name, None)
            if value not in (None, ""):
                data[name] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False, default=str)
