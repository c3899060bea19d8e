"""Benchmark: the dossier's time per page against a plain HTML document of the same length.

    .venv/bin/python bench/dossier.py [--runs 3]

Works in a temporary SQLite database and folders (nothing of yours is touched): migrates, loads
the pathways, seeds the demo data, and builds a generated project with all 14 stages and 154
answered items. For the largest demo project (most answers) and the generated one it renders
the dossier through the same code path as `manage.py generate_dossier` (content, template,
WeasyPrint in a child process with PDF/A-3b and tags, the PDF/A fix-up and check, storage),
and in the same run a plain reference HTML document with the same number of pages through the
same WeasyPrint. Prints pages, seconds per page, their ratio, peak memory and the time to
re-download a stored version; the last line is `dossier_vs_reference_ratio=<x>` (target <= 1.2).

The runs are interleaved (dossier, reference, dossier, ...) and the median is taken, so a busy
machine slows both sides alike.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = 14
ITEMS_PER_STAGE = 11
TYPES = ["text", "text", "text", "number", "date", "yes_no_na", "choice", "evidence", "link"]
LOREM = (
    "Afdelingen har beskrevet behovet grundigt, og løsningen skal vurderes mod de kriterier, "
    "der blev fastlagt før valideringen. Data behandles i EU, og leverandøren har dokumenteret "
    "sin CE-mærkning og brugsanvisning. "
)


def check(condition: bool, message: str) -> None:
    if not condition:
        raise RuntimeError(message)


def setup_django(workdir: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "DOSSIER_ROOT": str(workdir / "dossiers"),
            "EVIDENCE_ROOT": str(workdir / "evidence"),
            "DJANGO_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed(workdir: Path) -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_pathways", verbosity=0)
    call_command("seed_demo", verbosity=0)


# --- the generated project -------------------------------------------------------------------


def generated_pathway_file(folder: Path) -> Path:
    """A pathway with 14 stages of 11 items each, of every answer type, with sign-offs and
    sources, and the requirements_list tool on stage 3."""
    import yaml

    stages = []
    for s in range(STAGES):
        key = f"stage{s + 1:02d}"
        items = []
        for i in range(ITEMS_PER_STAGE):
            kind = TYPES[(s + i) % len(TYPES)]
            item = {
                "key": f"{key}.item{i + 1:02d}",
                "text": {
                    "da": f"Spørgsmål {i + 1} i fase {s + 1}: beskriv forholdene grundigt?",
                    "en": f"Question {i + 1} in stage {s + 1}: describe the situation?",
                },
                "role": ["clinician", "procurement", "lawyer", "it_architect"][i % 4],
                "type": kind,
                "required": i % 3 != 2,
            }
            if kind == "choice":
                item["choices"] = [
                    {"key": "a", "da": "Første mulighed", "en": "First option"},
                    {"key": "b", "da": "Anden mulighed", "en": "Second option"},
                ]
            if i % 4 == 1:
                item["signoff"] = ["lawyer", "procurement"][s % 2]
            if i % 3 == 0:
                item["sources"] = [
                    {
                        "title": f"Kilde {(s * 7 + i) % 17}",
                        "article": f"Art. {i + 1}",
                        "url": f"https://example.org/kilde/{(s * 7 + i) % 17}",
                    }
                ]
            items.append(item)
        stage = {
            "key": key,
            "name": {"da": f"Fase {s + 1}: generisk fase", "en": f"Stage {s + 1}: generic"},
            "purpose": {"da": "Til benchmark.", "en": "For the benchmark."},
            "responsible_body": "strategy_groups",
            "gate_question": {"da": f"Er fase {s + 1} i orden?", "en": f"Is stage {s + 1} done?"},
            "roles": ["clinician", "procurement"],
            "items": items,
        }
        if s == 2:
            stage["tools"] = ["requirements_list"]
        stages.append(stage)
    data = {
        "slug": "bench-generated",
        "version": 1,
        "name": {"da": "Genereret forløb", "en": "Generated pathway"},
        "description": {"da": "Benchmark.", "en": "Benchmark."},
        "stages": stages,
    }
    path = folder / "bench-generated.v1.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def generated_project(folder: Path):
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile

    from checklists.loading import load_pathways
    from checklists.models import Pathway
    from dossier import requirements as requirement_service
    from procurement import services
    from procurement.demo_data import _demo_pdf, ensure_users
    from procurement.models import Action
    from procurement.transitions import perform_transition, request_approval

    load_pathways([generated_pathway_file(folder)])
    pathway = Pathway.objects.get(slug="bench-generated")
    users = ensure_users()
    owner = users["kliniker"]
    project = services.create_project(
        by=owner,
        pathway=pathway,
        title="Genereret projekt med 14 faser og 154 besvarede punkter",
        clinical_need=LOREM * 3,
        department="Benchmarkafdelingen",
        product_name="Benchmark AI",
        vendor_name="Benchmark ApS",
    )
    roles = {
        "konsulent": "innovation_consultant",
        "jurist": "lawyer",
        "itarkitekt": "it_architect",
        "indkoeb": "procurement",
    }
    for name, role in roles.items():
        by = users["admin"] if role == "innovation_consultant" else owner
        services.add_member(project=project, by=by, user=users[name], role=role)
    by_role = {"clinician": owner, **{role: users[name] for name, role in roles.items()}}

    for stage in project.stages:
        for item in stage.items.all():
            upload, value, justification = None, "", ""
            n = item.order + stage.order * ITEMS_PER_STAGE
            if item.answer_type == "text":
                value = f"Svar {n}. " + LOREM * (1 + n % 3)
            elif item.answer_type == "number":
                value = str(1000 * n + 0.5)
            elif item.answer_type == "date":
                value = f"2025-{1 + n % 12:02d}-{1 + n % 27:02d}"
            elif item.answer_type == "yes_no_na":
                value = ["yes", "no", "na"][n % 3]
                justification = "Ikke relevant for denne løsning." if value == "na" else ""
            elif item.answer_type == "choice":
                value = "a" if n % 2 else "b"
            elif item.answer_type == "link":
                value = f"https://example.org/dokument/{n}"
            elif item.answer_type == "evidence":
                name = f"bilag-{n}.pdf"
                upload = SimpleUploadedFile(name, _demo_pdf(name), "application/pdf")
            answerer = by_role.get(item.role, owner)
            services.save_answer(
                project=project,
                item=item,
                by=answerer,
                value=value,
                justification=justification,
                upload=upload,
            )
            # An answer by the sign-off role's holder is signed already; others need the role.
            signer = by_role.get(item.signoff_role)
            if item.signoff_role and signer is not None and signer != answerer:
                services.sign_off(project=project, item=item, by=signer)
        if "requirements_list" in stage.tools:
            procurement = users["indkoeb"]
            for r in range(12):
                award = r >= 8
                requirement_service.add_requirement(
                    project=project,
                    by=procurement,
                    text=f"Krav {r + 1}: " + LOREM[: 80 + 20 * (r % 4)],
                    kind="award" if award else "minimum",
                    weight=Decimal(25) if award else None,
                    verification="Test og dokumentation.",
                    source_stage=stage,
                )
        if stage.order == STAGES - 1:
            break
        project = request_approval(project=project, by=owner)
        project = perform_transition(
            project=project, action=Action.APPROVED, by=users["konsulent"], comment="Godkendt."
        )
    return project


# --- measuring -------------------------------------------------------------------------------


class _Undo(Exception):
    """Raised to roll a generation back, so the next one renders the same project."""


def generate(project, *, keep: bool = False) -> tuple[float, int, object]:
    """One dossier through the command's code path; (seconds, pages, version).

    Each generation is journalled and listed in the next dossier, so a dossier grows by a line
    with every run. Unless `keep`, the generation is rolled back after it was timed (its PDF file
    stays in the bench's temporary folder), so every run renders the same content."""
    from django.db import transaction

    from dossier import services

    result = None
    try:
        with transaction.atomic():
            started = time.perf_counter()
            request = services.request_dossier(
                project=project, by=None, language="da", enqueue=False
            )
            version = services.run_dossier_request(request.pk)
            seconds = time.perf_counter() - started
            version.pdf_content = services.read_version(version)  # read before any rollback
            result = (seconds, version.page_count, version)
            if not keep:
                raise _Undo
    except _Undo:
        pass
    return result


def reference_html(sections: int) -> str:
    """A plain document: headings, paragraphs and a simple table, no page furniture."""
    parts = ["<!doctype html><html lang='da'><head><meta charset='utf-8'><title>Reference</title>"]
    parts.append("<style>body{font-family:'DejaVu Sans';font-size:9pt}")
    parts.append("td{border-bottom:0.5pt solid #ccc;padding:2pt;vertical-align:top}</style>")
    parts.append("</head><body>")
    for s in range(sections):
        parts.append(f"<h2>Afsnit {s + 1}</h2><p>{LOREM * 2}</p><table>")
        for row in range(6):
            parts.append(f"<tr><td>{s}.{row}</td><td>{LOREM[:120]}</td><td>{LOREM[:90]}</td></tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)


def render_reference(html: str, *, same_output: bool = False) -> tuple[float, int]:
    """The reference through WeasyPrint in this process: with `same_output`, written as the
    dossier is (PDF/A-3b, tagged, one attachment); otherwise with write_pdf()'s defaults."""
    from weasyprint import HTML, Attachment

    from dossier import rendering

    started = time.perf_counter()
    document = HTML(string=html).render()
    if same_output:
        document.write_pdf(
            pdf_variant=rendering.PDF_VARIANT,
            pdf_tags=True,
            attachments=[Attachment(string="{}", name="dossier.json", relationship="Data")],
            finisher=rendering.drop_empty_pattern_and_shading,
        )
    else:
        document.write_pdf()
    return time.perf_counter() - started, len(document.pages)


def reference_for(pages: int) -> str:
    """A reference document with exactly `pages` pages (found by a few trial renders)."""
    sections = max(1, pages * 2)
    for _attempt in range(12):
        _seconds, got = render_reference(reference_html(sections))
        if got == pages:
            return reference_html(sections)
        sections = max(1, sections + (1 if got < pages else -1) * max(1, abs(pages - got)))
    raise RuntimeError(f"could not make a reference document of {pages} pages")


def redownload_seconds(version, user) -> float:
    """A stored version fetched through the download view (permission check, SHA-256 check,
    download log), without re-rendering. Median of 20."""
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(user)
    url = reverse("dossier:download", args=[version.project_id, version.pk])
    times = []
    for _ in range(20):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        check(response.status_code == 200 and len(response.content) == version.size, "download")
    return statistics.median(times)


def peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs per document")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-dossier-") as tmp:
        workdir = Path(tmp)
        setup_django(workdir)
        print("Setting up: migrate, load_pathways, seed_demo, generated project …", flush=True)
        seed(workdir)
        from django.conf import settings
        from django.db.models import Count

        from accounts.models import User
        from dossier import rendering
        from procurement.models import Project

        largest = (
            Project.objects.annotate(answered=Count("answers")).order_by("-answered", "pk").first()
        )
        generated = generated_project(workdir)
        generated_answers = generated.answers.count()
        rendering.warm_up()
        projects = {
            f"largest demo project ({largest.title[:45]}…, {largest.answered} answers)": largest,
            f"generated project ({STAGES} stages, {generated_answers} answers)": generated,
        }

        # Warm-up (first render compiles caches in fontconfig and WeasyPrint), page counts.
        pages = {}
        for name, project in projects.items():
            _seconds, pages[name], _version = generate(project)
        references = {name: reference_for(count) for name, count in pages.items()}

        dossier_times = {name: [] for name in projects}
        same_times = {name: [] for name in projects}
        plain_times = {name: [] for name in projects}
        versions = {}
        for run in range(args.runs):
            for name, project in projects.items():
                seconds, count, versions[name] = generate(project, keep=run == args.runs - 1)
                check(count == pages[name], f"{name}: {count} pages, expected {pages[name]}")
                dossier_times[name].append(seconds)
                for times, same in ((same_times, True), (plain_times, False)):
                    seconds, count = render_reference(references[name], same_output=same)
                    check(count == pages[name], f"reference: {count} pages, not {pages[name]}")
                    times[name].append(seconds)

        redownload = redownload_seconds(versions[name], User.objects.get(username="indkoeb"))
        own_mb, child_mb = peak_mb()
        # Not timed: every stored dossier of the run passes the strict PDF/A-3b validator.

        for version in versions.values():
            rendering.verify_pdfa(version.pdf_content)

        print()
        print(
            f"{'document':<70} {'pages':>5} {'dossier':>9} {'reference':>10} {'ref. plain':>10}"
            "   (seconds per page)"
        )
        sums = {"dossier": 0.0, "same": 0.0, "plain": 0.0, "pages": 0}
        for name in projects:
            dossier = statistics.median(dossier_times[name])
            same = statistics.median(same_times[name])
            plain = statistics.median(plain_times[name])
            count = pages[name]
            sums["dossier"] += dossier
            sums["same"] += same
            sums["plain"] += plain
            sums["pages"] += count
            print(
                f"{name[:70]:<70} {count:>5} {dossier / count:>9.4f} {same / count:>10.4f}"
                f" {plain / count:>10.4f}   ({dossier:.2f} s; ratio {dossier / same:.2f},"
                f" vs plain {dossier / plain:.2f})"
            )
        ratio = sums["dossier"] / sums["same"]
        print()
        print(f"runs per document (median taken): {args.runs}; pages in all: {sums['pages']}")
        print(
            "dossier: the whole job as `generate_dossier` runs it (content, template, WeasyPrint "
            f"in a child process, storage); PDF/A check in the job: {settings.DOSSIER_VERIFY_PDFA}"
        )
        print(
            "reference: plain HTML with the same page count, written like the dossier "
            "(PDF/A-3b, tagged, one attachment); ref. plain: write_pdf() defaults"
        )
        print(f"dossier vs plain-default reference: {sums['dossier'] / sums['plain']:.3f}")
        print("PDF/A-3b (pikepdf.pdfa.validate_written) of the stored dossiers: passed")
        print(f"peak memory: this process {own_mb:.0f} MB, renderer child {child_mb:.0f} MB")
        print(
            f"re-download of a stored version ({versions[name].size} bytes, through the view): "
            f"{redownload * 1000:.1f} ms"
        )
        print(f"dossier_vs_reference_ratio={ratio:.3f}")


if __name__ == "__main__":
    main()
