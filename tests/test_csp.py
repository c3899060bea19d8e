"""Content-Security-Policy: sent on every page, and no template relies on what it forbids."""

import re
from pathlib import Path

from django.conf import settings

from checklists.extensions import TOOLS

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_pages_send_a_strict_policy(client, db):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


def test_no_template_has_inline_scripts_or_styles():
    """Browsers apply the policy; the PDF dossier's templates (and the stage tools' print
    templates) are read by WeasyPrint only, and e-mail bodies by mail programs (which need
    their styles inline and never see the header)."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        parts = path.relative_to(TEMPLATES).parts
        is_print = "/".join(parts) in {tool.dossier_template_name for tool in TOOLS.values()}
        if "pdf" in parts or "email" in parts or is_print:
            continue
        text = path.read_text(encoding="utf-8")
        inline_script = re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
        if inline_script or re.search(r"\sstyle=|<style|\son[a-z]+=", text):
            offenders.append(str(path.relative_to(TEMPLATES)))
    assert offenders == []
