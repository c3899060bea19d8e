"""Demo market dialogue and evaluation for the TeleKOL case (fictional vendors, no CVR numbers:
a number that passes the check could be a real company's). Everything goes through the real
services, so the journal, the disclosures and the gate are as they would be.

Market dialogue stage: three vendors in dialogue, each with a CE-marked product, a meeting, a
vendor's question answered and published to all three, and information sent to everyone.
Tender stage: the three are bidders; three evaluators score the offers on the four award
criteria, the procurement consultant sets the consensus and checks the minimum requirements
(Nordlys has no FHIR interface and is out) and finishes the evaluation; Luftvej wins.
"""

from datetime import date
from decimal import Decimal

from dossier.models import Requirement
from procurement.models import Membership, Project

from . import services
from .models import Vendor

VENDORS = (
    ("Luftvej Analytics ApS (fiktiv leverandør)", "KOL-Prognose 7"),
    ("Respira Data A/S (fiktiv leverandør)", "RespiraWatch"),
    ("Nordlys Health ApS (fiktiv leverandør)", "Nordlys COPD Risk"),
)
# Consensus per vendor, in the order of the award criteria (price 30, quality 40, integration
# 20, usability 10): Luftvej 6/8/9/7 = 73, Respira 8/6/6/8 = 66, Nordlys 9/7/4/6 = 67 (out).
CONSENSUS = ((6, 8, 9, 7), (8, 6, 6, 8), (9, 7, 4, 6))
# Each evaluator's scores differ a little from the consensus.
OFFSETS = {"procurement": 0, "clinician": 1, "it_architect": -1}
JUSTIFICATION = "Vurderet ud fra tilbuddet og demonstrationen (demodata)."


def _member(project: Project, role: str):
    first = Membership.objects.filter(project=project, role=role).select_related("user").first()
    return first.user if first else project.owner


def add_demo_data(project: Project, case: dict, stage_key: str) -> None:
    if case.get("slug") != "telekol":
        return
    if stage_key == "market_dialogue" and project.tool_stage(services.DIALOGUE_TOOL):
        _dialogue(project)
    if stage_key == "tender_operation" and project.tool_stage(services.EVALUATION_TOOL):
        _evaluation(project)


def _dialogue(project: Project) -> None:
    by = _member(project, "procurement")
    vendors = []
    for name, product in VENDORS:
        vendor = services.add_vendor(project=project, by=by, name=name, contact="salg@example.org")
        vendor = services.update_vendor(
            vendor=vendor, by=by, name=name, contact=vendor.contact, status="in_dialogue"
        )
        services.add_product(
            vendor=vendor,
            by=by,
            name=product,
            ce_marked=True,
            device_class="IIa",
            notified_body="Fiktivt bemyndiget organ (0000)",
        )
        vendors.append(vendor)
    services.record_dialogue(
        project=project,
        by=by,
        kind="meeting",
        vendor=vendors[0],
        occurred_on=date(2025, 3, 4),
        title="Demonstration af KOL-Prognose 7",
        text="Leverandøren viste risikoscoren og integrationen med den telemedicinske platform.",
    )
    question = services.record_dialogue(
        project=project,
        by=by,
        kind="question",
        vendor=vendors[1],
        occurred_on=date(2025, 3, 10),
        title="Datagrundlag til lokal validering",
        text="Kan vi få adgang til historiske TeleKOL-målinger til en retrospektiv validering?",
    )
    services.answer_question(
        entry=question,
        by=by,
        answer="Ja: pseudonymiserede målinger fra 2022–2024 stilles til rådighed i regionens "
        "miljø for alle leverandører, der deltager i udbuddet.",
    )
    services.record_dialogue(
        project=project,
        by=by,
        kind="information",
        occurred_on=date(2025, 3, 20),
        title="Tidsplan",
        text="Regionen forventer at offentliggøre udbuddet i efteråret 2025.",
    )


def _evaluation(project: Project) -> None:
    by = _member(project, "procurement")
    vendors = list(Vendor.objects.filter(project=project).order_by("pk"))
    if not vendors:
        return
    requirements = list(Requirement.objects.filter(project=project))
    criteria = [r for r in requirements if r.is_award]
    minimums = [r for r in requirements if not r.is_award]
    for vendor in vendors:
        services.update_vendor(
            vendor=vendor, by=by, name=vendor.name, contact=vendor.contact, status="bidder"
        )
    people = {role: _member(project, role) for role in OFFSETS}
    for user in {u.pk: u for u in people.values()}.values():
        services.assign_evaluator(project=project, by=by, user=user)
    scored = set()
    for role, user in people.items():
        if user.pk in scored:
            continue
        scored.add(user.pk)
        for vendor, values in zip(vendors, CONSENSUS, strict=False):
            for criterion, value in zip(criteria, values, strict=False):
                services.save_score(
                    vendor=vendor,
                    requirement=criterion,
                    by=user,
                    value=Decimal(min(10, max(0, value + OFFSETS[role]))),
                    justification=JUSTIFICATION,
                )
    for vendor, values in zip(vendors, CONSENSUS, strict=False):
        for criterion, value in zip(criteria, values, strict=False):
            services.set_consensus(
                vendor=vendor,
                requirement=criterion,
                by=by,
                value=Decimal(value),
                reason="Enighed på bedømmermødet (demodata).",
            )
        for requirement in minimums:
            fails = vendor.name.startswith("Nordlys") and "FHIR" in requirement.text
            services.set_minimum_check(
                vendor=vendor,
                requirement=requirement,
                by=by,
                met=not fails,
                note="Tilbuddet har ingen FHIR-grænseflade." if fails else "",
            )
    services.finish_evaluation(project=project, by=by)
