"""The evaluation report as a Word file: the criteria and scales, each evaluator's scores with
their justifications (only once every evaluator has scored), the consensus with its reasons,
the minimum requirement checks, the ranking, the sensitivity table and the margin."""

import io
from datetime import datetime

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from dossier.word import new_document
from procurement.models import Project

from .presentation import evaluation_data
from .selectors import EvaluationState


def _table(document, header: list[str], rows: list[list[str]]):
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = str(text)
    return table


def evaluation_docx(project: Project, state: EvaluationState, *, at: datetime) -> bytes:
    data = evaluation_data(state) or {}
    document = new_document(
        title=_("Evaluation of the offers: %(title)s") % {"title": project.title},
        author=project.organisation.name,
    )
    document.add_heading(_("Evaluation of the offers"), level=0)
    document.add_paragraph(project.title).runs[0].bold = True
    document.add_paragraph(date_format(localtime(at), "DATE_FORMAT"))
    if data.get("finished"):
        document.add_paragraph(
            _("Finished by %(who)s on %(when)s.")
            % {
                "who": data["finished_by"],
                "when": date_format(localtime(data["finished_at"]), "DATE_FORMAT"),
            }
        )
    else:
        document.add_paragraph(_("Not final: the evaluation is not finished."))
    document.add_paragraph(
        _("Evaluators: %(names)s.") % {"names": ", ".join(data.get("evaluators", [])) or "—"}
    )

    document.add_heading(_("Award criteria"), level=1)
    _table(
        document,
        [_("No."), _("Award criterion"), _("Weight"), _("Scale")],
        [
            [c["number"], c["text"], f"{c['weight']} %", f"{c['scale'][0]}–{c['scale'][1]}"]
            for c in data.get("criteria", [])
        ],
    )

    numbers = {c["number"]: c["text"] for c in data.get("criteria", [])}
    for bidder in data.get("bidders", []):
        document.add_heading(bidder["name"], level=1)
        if bidder["minimum"]:
            document.add_heading(_("Minimum requirements"), level=2)
            _table(
                document,
                [_("No."), _("Requirement"), _("Met"), _("Note")],
                [
                    [
                        m["number"],
                        m["text"],
                        "—" if m["met"] is None else (_("yes") if m["met"] else _("no")),
                        m["note"],
                    ]
                    for m in bidder["minimum"]
                ],
            )
        document.add_heading(_("Scores"), level=2)
        if not data.get("revealed"):
            document.add_paragraph(
                _("The evaluators' scores are shown once every evaluator has scored.")
            )
        rows = []
        for criterion in bidder["criteria"]:
            for score in criterion["scores"]:
                rows.append(
                    [
                        f"#{criterion['number']} {numbers[criterion['number']][:60]}",
                        score["evaluator"],
                        score["value"],
                        score["justification"],
                    ]
                )
            consensus = criterion["consensus"]
            if consensus:
                rows.append(
                    [
                        f"#{criterion['number']} {numbers[criterion['number']][:60]}",
                        _("Consensus (%(who)s)") % {"who": consensus["set_by"]},
                        consensus["value"],
                        consensus["reason"],
                    ]
                )
        _table(document, [_("Criterion"), _("Evaluator"), _("Score"), _("Justification")], rows)

    analysis = data.get("analysis")
    document.add_heading(_("Ranking"), level=1)
    if analysis is None:
        document.add_paragraph(_("The ranking is computed when every consensus score is set."))
    else:
        _table(
            document,
            [_("Rank"), _("Bidder"), _("Total (points of 100)"), _("Minimum requirements failed")],
            [
                [
                    r["rank"] or _("out"),
                    r["vendor"],
                    r["total"] or "—",
                    ", ".join(r["failed_minimum"]) or "—",
                ]
                for r in analysis["ranking"]
            ],
        )
        document.add_heading(_("Sensitivity to the weights"), level=2)
        document.add_paragraph(
            _(
                "Each weight moved by ±10 percentage points, the others rescaled in proportion "
                "so that the weights add up to 100."
            )
        )
        _table(
            document,
            [_("Criterion"), _("Change"), _("New weight"), _("Winner"), _("Winner changes")],
            [
                [
                    row["criterion"],
                    f"{row['change']:+d}",
                    f"{row['weight']} %",
                    ", ".join(row["winners"]),
                    _("yes") if row["changes_winner"] else _("no"),
                ]
                for row in analysis["sensitivity"]
            ],
        )
        margin = analysis["margin"]
        if margin:
            document.add_heading(_("What decides the ranking"), level=2)
            document.add_paragraph(
                _("%(first)s leads %(second)s by %(margin)s points.")
                % {"first": margin["first"], "second": margin["second"], "margin": margin["margin"]}
            )
            _table(
                document,
                [
                    _("Criterion"),
                    _("Part of the lead"),
                    _("Smallest change that ties"),
                    _("Whose score"),
                ],
                [
                    [c["criterion"], c["part"], c["change_needed"] or "—", c["whose"] or "—"]
                    for c in margin["contributions"]
                ],
            )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
