"""User text can never make the PDF renderer fetch a URL or read a file.

Two layers are tested: user text is escaped everywhere (the payloads below, in every free-text
field and upload name, come out as literal text), and the renderer's URL fetcher refuses
everything but data: URIs and the app's own print files, even for HTML that was not escaped.
"""

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossier import rendering, services
from dossier import requirements as requirement_service
from dossier.models import DossierVersion
from procurement.models import Action, Evidence, Project
from procurement.transitions import perform_transition
from tests.personas import PDF, advance, answer

from .conftest import complete_need
from .helpers import attachments, dossier_json, pdf_text, pdfa_report, squeezed

PAYLOADS = [
    '<img src="file:///etc/passwd">',
    '<img src="http://127.0.0.1:PORT/x">',
    '<link rel="attachment" href="file:///etc/hostname">',
    "<style>@import url(http://127.0.0.1:PORT/s.css)</style>",
    '<svg><image href="file:///etc/hostname"/></svg>',
    "{{ 7|add:7 }}",
    "</title><script>alert(1)</script>",
    # Our own secret file too: its content is unique, so its absence from the PDF means something.
    '<img src="file://SECRET"><link rel="attachment" href="file://SECRET">',
]
SECRET_CONTENT = "TOPSECRET-4f1d9c-do-not-leak"


@pytest.fixture
def listener():
    """An HTTP server on 127.0.0.1 that records every request it gets."""
    received: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            received.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], received
    server.shutdown()
    server.server_close()


@pytest.fixture
def secret(tmp_path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET_CONTENT)
    return path


def payloads(port: int, secret: Path) -> list[str]:
    return [p.replace("PORT", str(port)).replace("SECRET", str(secret)) for p in PAYLOADS]


def assert_nothing_leaked(content: bytes, received: list[str]) -> str:
    assert received == [], f"the renderer fetched {received}"
    text = pdf_text(content)
    assert SECRET_CONTENT not in squeezed(text)
    assert "root:x:0:0" not in text  # /etc/passwd
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else ""
    if len(hostname) >= 6:
        assert hostname not in text
    assert list(attachments(content)) == ["dossier.json"]
    with pikepdf.open(io.BytesIO(content)) as pdf:
        names = pdf.Root.get("/Names", pikepdf.Dictionary())
        assert "/JavaScript" not in names
        assert "/OpenAction" not in pdf.Root
    return text


def test_payloads_in_every_field_come_out_as_text(client, dteam, listener, secret):
    port, received = listener
    evil = payloads(port, secret)

    def tagged(field: str, text: str = " ".join(evil)) -> str:
        # A tag per field, so each field is checked on its own.
        return f"«{field}» {text}"

    fields = {
        "title": tagged("title", f"{evil[6]} {evil[1]}"),
        "clinical_need": tagged("need"),
        "department": tagged("department", evil[3]),
        "product_name": tagged("product", evil[0]),
        "vendor_name": tagged("vendor", evil[4]),
    }
    Project.objects.filter(pk=dteam.project.pk).update(**fields)
    dteam.lawyer.first_name = tagged("person", evil[0])
    dteam.lawyer.save()
    texts = {
        "answer": tagged("answer"),
        "justification": tagged("justification"),
        "requirement": tagged("requirement"),
        "verification": tagged("verification"),
        "file": tagged("file", evil[1]),
        "return": tagged("return"),
        "stop": tagged("stop"),
    }
    complete_need(dteam, problem=texts["answer"])
    answer(dteam, "need.simpler_solution", "na", justification=texts["justification"])
    advance(dteam)
    answer(
        dteam,
        "requirements.specification",
        by=dteam.procurement,
        upload=SimpleUploadedFile("<img src=x onerror=alert(1)>.pdf", PDF, "application/pdf"),
    )
    # A name with slashes cannot come through an upload (the path is cut off), so put the full
    # payload in the stored name as well: the dossier must print it as text either way.
    Evidence.objects.filter(project=dteam.project).update(original_name=texts["file"])
    requirement_service.add_requirement(
        project=dteam.reload(),
        by=dteam.procurement,
        text=texts["requirement"],
        kind="minimum",
        verification=texts["verification"],
    )
    # The decisions' reasons are free text too.
    perform_transition(
        project=dteam.reload(),
        action=Action.RETURNED,
        by=dteam.consultant,
        comment=texts["return"],
        target="need",
    )
    perform_transition(
        project=dteam.reload(), action=Action.STOPPED, by=dteam.consultant, comment=texts["stop"]
    )

    client.force_login(dteam.procurement)
    client.post(f"/projects/{dteam.project.pk}/dossier/generate/")
    version = DossierVersion.objects.get()
    content = services.read_version(version)

    text = assert_nothing_leaked(content, received)
    flat = squeezed(text)
    for name, value in [*fields.items(), ("person", dteam.lawyer.first_name), *texts.items()]:
        assert squeezed(value) in flat, name  # printed literally, not interpreted
    assert pdfa_report(content).passed
    data = dossier_json(content)
    assert data["project"]["clinical_need"] == fields["clinical_need"]
    assert data["evidence"][0]["name"] == texts["file"]
    with pikepdf.open(io.BytesIO(content)) as pdf:
        assert "</title><script>" in str(pdf.docinfo["/Title"])


def test_the_fetcher_refuses_everything_but_data_and_its_own_files(secret, tmp_path):
    allowed = tmp_path / "print.css"
    allowed.write_text("p { color: black }")
    fetcher = rendering.safe_url_fetcher(frozenset({str(allowed.resolve())}))
    refused = [
        "file:///etc/passwd",
        "file:///etc/hostname",
        f"file://{secret}",
        "http://127.0.0.1:9/x",
        "https://example.org/s.css",
        "ftp://127.0.0.1/x",
        f"file://{allowed}?x=1",
        f"file://otherhost{allowed}",
        f"file://{tmp_path}/../{tmp_path.name}/secret.txt",
        "javascript:alert(1)",
        "relative/path.css",
    ]
    for url in refused:
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch(f"file://{allowed}").read() == b"p { color: black }"
    assert fetcher.fetch("data:text/plain;base64,aGVq").read() == b"hej"


def test_even_unescaped_html_cannot_fetch_or_read(listener, secret):
    """Defence in depth: raw payloads given straight to the renderer."""
    port, received = listener
    html = (
        "<!doctype html><html lang='da'><head><title>x</title>"
        f"<link rel='stylesheet' href='http://127.0.0.1:{port}/style.css'>"
        f"<link rel='attachment' href='file://{secret}'></head><body><p>Hej</p>"
        + "".join(payloads(port, secret))
        + f"<iframe src='file://{secret}'></iframe><object data='file://{secret}'></object>"
        f"<p style=\"background: url('http://127.0.0.1:{port}/bg.png')\">bg</p>"
        "<img src='data:image/gif;base64,R0lGODlhAQABAAAAACw='></body></html>"
    )
    job = rendering.RenderJob(html=html, attachment=b"{}", base_url=f"http://127.0.0.1:{port}/")
    result = rendering.render_with_time_limit(job, timeout=60)
    assert_nothing_leaked(result.content, received)
    assert pdfa_report(result.content).passed
