"""Reading an Excel workbook in a child process with a memory limit and a time limit.

openpyxl holds a workbook's shared strings in memory and a crafted workbook can make it work for
a long time; in a child process neither can take the web process down with it. The model is the
dossier renderer (`dossier/rendering.py`): fork, a one-way pipe, `poll(timeout)`, kill. The
child only reads the bytes it was given and sends back rows or a message; it never touches the
database connections it inherits and leaves through `os._exit` (multiprocessing's fork exit).
"""

import multiprocessing
import os
import resource
import signal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from dossier.rendering import close_inherited_descriptors, die_with_parent

TIMEOUT_SECONDS = 60
# Address space the child may add to what it inherits from the web process.
MEMORY_BYTES = 768 * 1024 * 1024

TOO_SLOW = gettext_noop(
    "Reading the workbook took longer than %(seconds)d seconds and was stopped. Save it as CSV "
    "and upload that instead."
)
TOO_MUCH_MEMORY = gettext_noop(
    "The workbook needs more memory to read than is allowed. Save it as CSV and upload that "
    "instead."
)
READER_FAILED = gettext_noop("The file is not a valid Excel workbook (.xlsx).")


class WorkbookRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _address_space_in_use() -> int:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[0])
    return pages * os.sysconf("SC_PAGE_SIZE")


def _child(read_rows, data: bytes, limit: int, connection, parent_pid: int) -> None:
    die_with_parent(parent_pid)
    close_inherited_descriptors({connection.fileno()})
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        try:
            ceiling = _address_space_in_use() + limit
            resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
        except (OSError, ValueError):
            pass  # no /proc or no limit allowed here: the time limit still holds
        try:
            connection.send(("ok", read_rows(data)))
        except MemoryError:
            connection.send(("memory", None))
        except Exception as exc:  # noqa: BLE001 - reported to the parent as a message
            connection.send(("error", getattr(exc, "messages", None)))
    finally:
        connection.close()


def read_rows_in_child(
    read_rows, data: bytes, *, timeout: float | None = None, memory: int | None = None
) -> list[list]:
    """`read_rows(data)` (a list of rows) computed in a child process. Raises WorkbookRefused
    when it runs out of time or memory or fails; `messages` of the child's exception (a
    ParseError) are passed on as the refusal's message."""
    timeout = TIMEOUT_SECONDS if timeout is None else timeout
    memory = MEMORY_BYTES if memory is None else memory
    methods = multiprocessing.get_all_start_methods()
    if "fork" not in methods:  # pragma: no cover - Linux servers fork
        return read_rows(data)
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(read_rows, data, memory, sender, os.getpid()), daemon=True
    )
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise WorkbookRefused(_(TOO_SLOW) % {"seconds": max(1, round(timeout))})
        try:
            kind, payload = receiver.recv()
        except (EOFError, MemoryError) as exc:  # the child died (out of memory, killed)
            raise WorkbookRefused(_(TOO_MUCH_MEMORY)) from exc
        if kind == "ok":
            return payload
        if kind == "memory":
            raise WorkbookRefused(_(TOO_MUCH_MEMORY))
        raise WorkbookRefused(" ".join(payload) if payload else _(READER_FAILED))
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)
