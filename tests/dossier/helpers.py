"""Reading what a dossier PDF holds: its text, its attachments, its PDF/A verdict."""

import io
import json
from pathlib import Path

import pikepdf
from pikepdf import pdfa
from pypdf import PdfReader

SCHEMA = Path(__file__).resolve().parents[2] / "dossier" / "schema" / "dossier.schema.json"


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def squeezed(text: str) -> str:
    """Without whitespace, so hashes and long words broken across lines can be found."""
    return "".join(text.split())


def page_texts(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def attachments(content: bytes) -> dict[str, bytes]:
    with pikepdf.open(io.BytesIO(content)) as pdf:
        return {name: spec.get_file().read_bytes() for name, spec in pdf.attachments.items()}


def dossier_json(content: bytes) -> dict:
    return json.loads(attachments(content)["dossier.json"])


def schema() -> dict:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def pdfa_report(content: bytes):
    return pdfa.validate_written(io.BytesIO(content), "3b")
