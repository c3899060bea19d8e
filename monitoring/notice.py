"""The draft notice to the provider under the AI Act, Art. 26(5) (a deployer who has reason to
consider that use may present a risk informs the provider without undue delay and suspends
use), and for a serious incident also to the Danish Medicines Agency (MDR Art. 87), filled from
the incident, as a Word file (python-docx, as the requirements specification)."""

import io
from datetime import datetime

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from dossier.word import new_document
from procurement.models import Project
from validation.presentation import format_number

from .labels import rule_label
from .metrics import METRICS
from .models import Incident


def notice_docx(project: Project, incident: Incident, *, state, at: datetime) -> bytes:
    metric = METRICS[incident.metric]
    document = new_document(
        title=_("Notice to the provider: %(title)s") % {"title": project.title},
        author=project.organisation.name,
    )
    document.add_heading(_("Notice to the provider (AI Act, Art. 26(5))"), level=0)
    document.add_paragraph(_("DRAFT – to be checked and completed before it is sent.")).runs[
        0
    ].bold = True
    facts = [
        (_("To"), project.vendor_name or "—"),
        (_("From"), f"{project.organisation} · {project.department}"),
        (_("Product"), project.product_name or "—"),
        (_("Date"), date_format(localtime(at), "DATE_FORMAT")),
        (_("Our reference"), f"{project.pk}-{incident.pk}"),
    ]
    table = document.add_table(rows=0, cols=2)
    for label, value in facts:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = str(label), str(value)
    document.add_heading(_("What we observed"), level=1)
    plan_metric = None
    if state.plan is not None:
        plan_metric = next(
            (m for m in state.plan.metrics.all() if m.metric == incident.metric), None
        )
    text = _(
        "Our monitoring of the product in operation raised an alarm for %(metric)s in the "
        "period %(period)s."
    ) % {"metric": metric.label, "period": incident.period}
    if plan_metric is not None:
        text += " " + _("The baseline agreed from our validation is %(baseline)s.") % {
            "baseline": format_number(float(plan_metric.baseline), metric.digits)
        }
    document.add_paragraph(text)
    alarms = document.add_table(rows=1, cols=3)
    header = alarms.rows[0].cells
    header[0].text, header[1].text, header[2].text = _("Period"), _("Value"), _("Rule")
    for alarm in incident.alarms.all():
        cells = alarms.add_row().cells
        cells[0].text = alarm.period
        cells[1].text = format_number(alarm.value, metric.digits)
        cells[2].text = ", ".join(rule_label(rule) for rule in alarm.rules)
    document.add_heading(_("Our assessment"), level=1)
    document.add_paragraph(incident.assessment or _("(not yet assessed)"))
    document.add_heading(_("Our decision"), level=1)
    if incident.decision:
        document.add_paragraph(f"{incident.get_decision_display()}: {incident.decision_reason}")
    else:
        document.add_paragraph(_("(not yet decided)"))
    document.add_heading(_("What we ask of you"), level=1)
    document.add_paragraph(
        _(
            "Under Art. 26(5) of the AI Act we inform you of a possible risk. Please assess "
            "whether the product performs as intended, tell us the cause and any corrective "
            "action, and confirm when we may expect your answer."
        )
    )
    if incident.serious:
        document.add_heading(_("Serious incident"), level=1)
        document.add_paragraph(
            _(
                "We consider this a serious incident. It is also reported to the Danish "
                "Medicines Agency (Lægemiddelstyrelsen); as the manufacturer you must report "
                "it under MDR Art. 87."
            )
        )
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
