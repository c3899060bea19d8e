"""The requirements specification as a Word file (python-docx): headings, numbered requirements
and a table of the award criteria, ready to paste into tender material."""

import io
from datetime import datetime

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from procurement.models import Project

from .models import Requirement
from .requirements import format_percent

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def new_document(*, title: str, author: str):
    """A Word document with the product's title, author and body font (Calibri 11 pt)."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    document.core_properties.title = title
    document.core_properties.author = author
    document.styles["Normal"].font.name = "Calibri"
    document.styles["Normal"].font.size = Pt(11)
    return document


def requirements_docx(
    project: Project, requirements: list[Requirement], *, summary: dict, at: datetime
) -> bytes:
    document = new_document(
        title=_("Requirements specification: %(title)s") % {"title": project.title},
        author=project.organisation.name,
    )

    document.add_heading(_("Requirements specification"), level=0)
    document.add_paragraph(project.title).runs[0].bold = True
    product = " · ".join(filter(None, [project.product_name, project.vendor_name]))
    facts = [
        (_("Organisation"), f"{project.organisation} · {project.department}"),
        (_("Product and vendor"), product or "—"),
        (_("Date"), date_format(localtime(at), "DATE_FORMAT")),
    ]
    for label, value in facts:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(value)
    for problem in summary["problems"]:
        paragraph = document.add_paragraph()
        paragraph.add_run(_("Not final: ")).bold = True
        paragraph.add_run(problem.message)

    minimum = [r for r in requirements if not r.is_award]
    award = [r for r in requirements if r.is_award]

    document.add_heading(_("Minimum requirements"), level=1)
    document.add_paragraph(
        _(
            "The offered product must meet every minimum requirement; an offer that does not "
            "is rejected."
        )
    )
    if not minimum:
        document.add_paragraph(_("None."))
    for requirement in minimum:
        _add_requirement(document, requirement)

    document.add_heading(_("Award criteria"), level=1)
    document.add_paragraph(
        _(
            "Offers that meet the minimum requirements are assessed on these criteria, weighted "
            "as shown."
        )
    )
    for requirement in award:
        _add_requirement(document, requirement)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    header = table.rows[0].cells
    for cell, text in zip(
        header, [_("No."), _("Award criterion"), _("Weight"), _("How it is verified")], strict=True
    ):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for requirement in award:
        cells = table.add_row().cells
        cells[0].text = str(requirement.position)
        cells[1].text = requirement.text
        cells[2].text = f"{format_percent(requirement.weight)} %"
        cells[3].text = requirement.verification
    total = table.add_row().cells
    total[1].text = _("Total")
    total[2].text = f"{summary['award_total']} %"
    for cell in (total[1], total[2]):
        for run in cell.paragraphs[0].runs:
            run.bold = True

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _add_requirement(document, requirement: Requirement) -> None:
    """A requirement as its number and text, with how it is verified and where it came from."""
    paragraph = document.add_paragraph()
    label = _("Requirement %(number)s") % {"number": requirement.position}
    if requirement.is_award:
        label += f" ({format_percent(requirement.weight)} %)"
    paragraph.add_run(f"{label}. ").bold = True
    paragraph.add_run(requirement.text)
    details = []
    if requirement.verification:
        label = _("Verified by")
        details.append(f"{label}: {requirement.verification}")
    if requirement.source_label:
        label = _("Source")
        details.append(f"{label}: {requirement.source_label}")
    if details:
        detail = document.add_paragraph("  ·  ".join(details))
        detail.paragraph_format.left_indent = document.styles["Normal"].font.size * 2
        for run in detail.runs:
            run.italic = True
