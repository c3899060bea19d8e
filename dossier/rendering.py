"""HTML to archival PDF: WeasyPrint in a child process with a time limit, a URL fetcher that
serves nothing but the app's own files, and the PDF/A-3b fix-up and check.

This module does not touch Django (no settings, no database), so the child process needs
nothing but its arguments. WeasyPrint and pikepdf are imported lazily: importing WeasyPrint
costs about half a second.
"""

from __future__ import annotations

import ctypes
import functools
import io
import logging
import multiprocessing
import os
import signal
import subprocess
import traceback
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

PDF_VARIANT = "pdf/a-3b"
PDFA_FLAVOUR = "3b"
ATTACHMENT_NAME = "dossier.json"

# WeasyPrint logs every step and page at INFO (even on import); keep its warnings only.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


class RenderError(Exception):
    """Rendering failed; nothing was produced."""


class RenderTimeout(RenderError):
    """Rendering took longer than the time limit and was stopped."""


class PdfaInvalid(RenderError):
    """The PDF did not pass the PDF/A-3b check."""


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    page_count: int


@dataclass(frozen=True)
class RenderJob:
    html: str
    attachment: bytes  # dossier.json
    base_url: str
    # Real paths of the only local files the fetcher may serve (the print stylesheet, fonts).
    allowed_files: frozenset[str] = field(default_factory=frozenset)
    stylesheets: tuple[str, ...] = ()
    tagged: bool = True
    # Check the result with pikepdf's strict PDF/A validator (about 0.05 s per page).
    verify: bool = True


def refused(url: str) -> ValueError:
    return ValueError(f"the dossier renderer only loads its own files, not {url[:200]!r}")


def _safe_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeURLFetcher(URLFetcher):
        """Serves `data:` URIs and the listed local files; refuses everything else (http,
        https, ftp, any other file), so user text can never make the server fetch a URL or
        read a file, even if it reached the HTML unescaped."""

        def __init__(self, allowed_files: frozenset[str] = frozenset(), **kwargs):
            # No network handlers are needed; fail fast and never follow redirects.
            super().__init__(timeout=1, allow_redirects=False, **kwargs)
            self.allowed_files = allowed_files

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower() if ":" in url else ""
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                parts = urlsplit(url)
                if parts.netloc in ("", "localhost") and not parts.query:
                    path = os.path.realpath(unquote(parts.path))
                    if path in self.allowed_files:
                        with open(path, "rb") as handle:
                            body = handle.read()
                        return URLFetcherResponse(Path(path).as_uri(), body)
            raise refused(url)

    return SafeURLFetcher


def safe_url_fetcher(allowed_files: frozenset[str] = frozenset()):
    return _safe_fetcher_class()(allowed_files)


def render_pdf(job: RenderJob) -> RenderedPdf:
    """Render in this process, without a time limit (`render_with_time_limit` adds one)."""
    from weasyprint import CSS, HTML, Attachment

    fetcher = safe_url_fetcher(job.allowed_files)
    stylesheets = [CSS(filename=path, url_fetcher=fetcher) for path in job.stylesheets]
    html = printable(job.html)
    document = HTML(string=html, base_url=job.base_url, url_fetcher=fetcher).render(
        stylesheets=stylesheets
    )
    content = document.write_pdf(
        pdf_variant=PDF_VARIANT,
        pdf_tags=job.tagged,
        attachments=[
            Attachment(
                string=job.attachment.decode("utf-8"),
                name=ATTACHMENT_NAME,
                relationship="Data",
                description="The dossier's content as data (see dossier.schema.json)",
            )
        ],
        finisher=drop_empty_pattern_and_shading,
    )
    if job.verify:
        verify_pdfa(content)
    return RenderedPdf(content, len(document.pages))


PLACEHOLDER = "\u25a1"  # □, for a character no installed font can draw
KEEP = frozenset("\t\n\r")


def printable(text: str) -> str:
    """Text every character of which an installed font can draw.

    A character no font covers is drawn with the font's .notdef glyph, which PDF/A forbids
    (ISO 19005-3, 6.2.11.8): an emoji or a rare script in a user's answer would make the file
    invalid. Such characters become □; invisible format and control characters are dropped.
    The dossier.json attachment keeps the text exactly as typed.
    """
    covered = renderable_code_points()
    if not covered:  # no font list available: nothing to go by
        return text
    missing = {char for char in set(text) if ord(char) not in covered and char not in KEEP}
    if not missing:
        return text
    placeholder = PLACEHOLDER if ord(PLACEHOLDER) in covered else "?"
    table = {
        ord(char): "" if unicodedata.category(char) in ("Cc", "Cf") else placeholder
        for char in missing
    }
    return text.translate(table)


@functools.cache
def renderable_code_points() -> frozenset[int]:
    """Every code point some installed font (as fontconfig lists them) has a glyph for."""
    from fontTools.ttLib import TTCollection, TTFont

    points: set[int] = set()
    for path in _font_files():
        try:
            if path.lower().endswith(".ttc"):
                fonts = TTCollection(path, lazy=True).fonts
            else:
                fonts = [TTFont(path, lazy=True)]
            for font in fonts:
                points.update(font.getBestCmap() or {})
        except Exception:  # noqa: BLE001, S112 - an unreadable font covers nothing
            continue
    return frozenset(points)


FONT_SUFFIXES = (".ttf", ".otf", ".ttc")
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")


def _font_files() -> list[str]:
    """The fonts fontconfig (and so Pango) can use; the usual font folders without fc-list."""
    try:
        listing = subprocess.run(
            ["fc-list", "--format", "%{file}\n"],  # noqa: S607 - fontconfig's own tool
            capture_output=True,
            text=True,
            timeout=20,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        listing = [
            str(path)
            for folder in FONT_DIRS
            for path in Path(folder).expanduser().rglob("*")
            if path.is_file()
        ]
    return sorted({line for line in listing if line.lower().endswith(FONT_SUFFIXES)})


def drop_empty_pattern_and_shading(document, pdf) -> None:
    """WeasyPrint 70 writes empty /Pattern and /Shading resource dictionaries, which a strict
    PDF/A validator (pikepdf.pdfa) cannot check and so refuses. Drop them before the file is
    written (a `write_pdf` finisher: no second pass over the PDF)."""

    def clean(resources) -> None:
        if isinstance(resources, dict):
            for key in ("Pattern", "Shading"):
                if isinstance(resources.get(key), dict) and not resources[key]:
                    del resources[key]

    for obj in pdf.objects:
        if isinstance(obj, dict):
            clean(obj)
            clean(obj.get("Resources"))
        extra = getattr(obj, "extra", None)
        if isinstance(extra, dict):
            clean(extra.get("Resources"))


def verify_pdfa(content: bytes) -> None:
    """Raise PdfaInvalid unless pikepdf's strict validator approves the file as PDF/A-3b."""
    from pikepdf import pdfa

    report = pdfa.validate_written(io.BytesIO(content), PDFA_FLAVOUR)
    if not report.passed:
        findings = "; ".join(f"{f.rule} at {f.where}: {f.message}" for f in report.findings)
        raise PdfaInvalid(f"not PDF/A-{PDFA_FLAVOUR}: {findings[:2000]}")


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def die_with_parent(parent_pid: int) -> None:
    """Ask Linux to kill this process when its parent dies (a worker killed with SIGKILL runs
    no clean-up, so the renderer would otherwise work on, holding the pipe and the inherited
    database socket). If the parent died before the request took effect, exit now."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the parent's time limit still applies
        pass
    if os.getppid() != parent_pid:
        os._exit(1)


def close_inherited_descriptors(keep: set[int]) -> None:
    """Close what the child inherited from the worker but never uses: above all the database
    connection's socket (closing a copy sends nothing to the server, so the parent's connection
    is unharmed), and files and pipes of other jobs. Standard streams and `keep` stay open."""
    try:
        descriptors = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:  # no /proc: leave them
        return
    for descriptor in descriptors:
        if descriptor > 2 and descriptor not in keep:
            try:
                os.close(descriptor)
            except OSError:
                pass  # the listing's own descriptor, already closed


def _child(job: RenderJob, connection, parent_pid: int) -> None:
    die_with_parent(parent_pid)
    close_inherited_descriptors({connection.fileno()})
    # The parent's signal handlers (e.g. the task worker's graceful shutdown) must not run here:
    # on Ctrl-C or SIGTERM the child simply dies and the parent reports the job as failed.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        result = render_pdf(job)
    except BaseException as exc:  # noqa: BLE001 - everything is reported to the parent
        kind = "pdfa" if isinstance(exc, PdfaInvalid) else "error"
        connection.send((kind, f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
    else:
        connection.send(("ok", result.page_count))
        connection.send_bytes(result.content)
    finally:
        connection.close()


def _context():
    # fork: the child starts at once with WeasyPrint already imported by the parent (when it
    # is); it only renders and exits through os._exit, never touching inherited connections.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def render_with_time_limit(job: RenderJob, *, timeout: float) -> RenderedPdf:
    """Render in a child process and stop it after `timeout` seconds. Raises RenderTimeout,
    PdfaInvalid or RenderError; returns only a complete, validated PDF."""
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(job, sender, os.getpid()), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise RenderTimeout(f"rendering took longer than {timeout:g} s and was stopped")
        try:
            kind, payload = receiver.recv()
            if kind == "ok":
                return RenderedPdf(receiver.recv_bytes(), int(payload))
        except EOFError as exc:
            message = f"the renderer stopped unexpectedly (exit code {process.exitcode})"
            raise RenderError(message) from exc
        if kind == "pdfa":
            raise PdfaInvalid(payload)
        raise RenderError(payload)
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)


def warm_up() -> None:
    """Import WeasyPrint and pikepdf and read the font coverage in this process, so forked
    renderers start with them."""
    import pikepdf  # noqa: F401
    import weasyprint  # noqa: F401

    renderable_code_points()
