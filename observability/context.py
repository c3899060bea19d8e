"""What the log lines of the current request carry (request id, user id, project id), kept in
context variables so every line logged while a request is served (in any module) has them."""

from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="")
user_id: ContextVar[int | None] = ContextVar("user_id", default=None)
project_id: ContextVar[int | None] = ContextVar("project_id", default=None)
