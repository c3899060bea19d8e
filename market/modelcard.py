"""CHAI Applied Model Cards in and out.

The schema is the Coalition for Health AI's Applied Model Card schema, version 0.2
(github.com/coalition-for-health-ai/mc-schema, `v0.2/schema.xsd`, bundled unchanged under
market/schema/ with its licence, which allows copying and distribution with the notice). It
imports the W3C XML Signature schema from the network for an optional `ds:Signature`; we never
load anything from the network, so that import is answered with a local stub of ours
(market/schema/xmldsig-signature-stub.xsd) and signatures are not verified.

Reading a vendor's file is hardened against hostile XML:
1. the size is capped before anything is parsed (MAX_BYTES);
2. defusedxml (expat) parses it first with `forbid_dtd`, `forbid_entities` and
   `forbid_external`: any DOCTYPE is refused, which stops billion-laughs and external entities
   (file:// or http://) before they are expanded or fetched;
3. lxml then parses the same bytes with `resolve_entities=False, no_network=True,
   load_dtd=False, huge_tree=False` (and would refuse a DOCTYPE again) for schema validation.
Nothing is written unless the file is well-formed, valid against the schema and within limits.

Import pre-fills the answers a card gives (intended use, target population, out-of-scope use,
regulatory approval, key metrics), each marked with its source (the file and the element) and
waiting for a team member to confirm it; confirming copies it into the matching checklist item
when that item can be answered now (its stage is current and the person may answer it).
"""

import hashlib
import io
import json
from pathlib import Path

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from lxml import etree

from checklists.extensions import TOOLS
from checklists.models import ChecklistItem
from procurement import services as procurement_services
from procurement.gates import load_stage_status
from procurement.models import Action, Project
from procurement.permissions import can_edit_answer, roles_of

from . import services
from .models import ModelCard, ModelCardField, Product, Vendor
from .permissions import can_confirm, can_edit_market
from .selectors import field_item

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
SCHEMA_FILE = SCHEMA_DIR / "chai-applied-model-card-v0.2.xsd"
SIGNATURE_STUB = SCHEMA_DIR / "xmldsig-signature-stub.xsd"
XMLDSIG_LOCATION = "http://www.w3.org/TR/xmldsig-core/xmldsig-core-schema.xsd"
NS = "https://mc.chai.org/v0.2/schema.xsd"
SCHEMA_VERSION = "v0.2"
MAX_BYTES = 1024 * 1024  # real cards are 10-20 kB
MAX_FIELD = 20_000

TOO_LARGE = gettext_noop("The model card is too large (over %(limit)s kB).")
EMPTY = gettext_noop("The file is empty.")
NOT_XML = gettext_noop("The file is not well-formed XML (%(detail)s).")
DTD_REFUSED = gettext_noop(
    "The file contains a document type declaration (DOCTYPE) or entities. Model cards need "
    "neither, and they are refused for safety."
)
NOT_VALID = gettext_noop(
    "The file is not a valid CHAI Applied Model Card (schema %(version)s): line %(line)s: "
    "%(detail)s"
)
WRONG_ROOT = gettext_noop(
    "The file is not a CHAI Applied Model Card version 0.2 (its root element is %(root)s)."
)

# What a card answers: (field, element path under the root, item keys it may fill, in order).
FIELDS = (
    (
        ModelCardField.Field.INTENDED_USE,
        "UsesAndDirections/IntendedUseAndWorkflow",
        ("requirements.intended_purpose", "market_dialogue.intended_purpose"),
    ),
    (
        ModelCardField.Field.TARGET_POPULATION,
        "UsesAndDirections/TargetedPatientPopulation",
        ("need.target_population",),
    ),
    (
        ModelCardField.Field.OUT_OF_SCOPE,
        "UsesAndDirections/CautionedOutOfScopeSettings",
        (),
    ),
    (
        ModelCardField.Field.REGULATORY_APPROVAL,
        "ReleaseInfo/RegulatoryApproval",
        ("market_dialogue.ce_marking",),
    ),
    (ModelCardField.Field.KEY_METRICS, "KeyMetrics", ("market_dialogue.clinical_evidence",)),
)
# Every item a card may fill: the dialogue tool reads them (each may be absent from a pathway).
MODEL_CARD_ITEM_KEYS = tuple(key for _field, _path, keys in FIELDS for key in keys)


class _LocalSchemas(etree.Resolver):
    """Answer the CHAI schema's one import from disk, and everything else with nothing."""

    def resolve(self, url, pubid, context):
        if url == XMLDSIG_LOCATION:
            return self.resolve_string(SIGNATURE_STUB.read_bytes(), context)
        return self.resolve_string(b"<refused/>", context)


def safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
    )


_schema: etree.XMLSchema | None = None


def schema() -> etree.XMLSchema:
    global _schema
    if _schema is None:
        parser = safe_parser()
        parser.resolvers.add(_LocalSchemas())
        _schema = etree.XMLSchema(etree.fromstring(SCHEMA_FILE.read_bytes(), parser))
    return _schema


def parse_card(data: bytes) -> etree._Element:
    """The card's root element, or ValidationError with a message for the person."""
    if len(data) > MAX_BYTES:
        raise ValidationError(_(TOO_LARGE) % {"limit": MAX_BYTES // 1024}, code="too_large")
    if not data.strip():
        raise ValidationError(_(EMPTY), code="empty")
    try:
        SafeElementTree.fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as exc:
        raise ValidationError(_(DTD_REFUSED), code="dtd") from exc
    except SafeElementTree.ParseError as exc:
        raise ValidationError(_(NOT_XML) % {"detail": str(exc)[:200]}, code="malformed") from exc
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise ValidationError(_(NOT_XML) % {"detail": str(exc)[:200]}, code="malformed") from exc
    if root.getroottree().docinfo.doctype:
        raise ValidationError(_(DTD_REFUSED), code="dtd")
    if root.tag != f"{{{NS}}}AppliedModelCard":
        raise ValidationError(_(WRONG_ROOT) % {"root": str(root.tag)[:120]}, code="root")
    checker = schema()
    if not checker.validate(root):
        error = checker.error_log.last_error
        raise ValidationError(
            _(NOT_VALID)
            % {
                "version": SCHEMA_VERSION,
                "line": error.line if error else "?",
                "detail": (error.message if error else "")[:300],
            },
            code="invalid",
        )
    return root


def _find(root, path: str):
    return root.find("/".join(f"{{{NS}}}{part}" for part in path.split("/")))


def _text(element) -> str:
    if element is None:
        return ""
    return " ".join("".join(element.itertext()).split())[:MAX_FIELD]


def _metrics_text(element) -> str:
    """KeyMetrics as readable lines: each metric group's results."""
    if element is None:
        return ""
    lines = []
    for group in element:
        name = etree.QName(group).localname
        results = []
        for result in group.iter(f"{{{NS}}}MetricResult"):
            label = _text(result.find(f"{{{NS}}}Label"))
            value = _text(result.find(f"{{{NS}}}ValueJson"))
            try:
                parsed = json.loads(value)
                if isinstance(parsed, dict) and "value" in parsed:
                    value = f"{parsed['value']} {parsed.get('unit', '')}".strip()
            except ValueError:
                pass
            results.append(f"{label}: {value}")
        goal = _text(group.find(f"{{{NS}}}MetricGoal"))
        lines.append(f"{name}: {goal} " + "; ".join(results))
    return "\n".join(lines)[:MAX_FIELD]


def read_card(root) -> dict:
    """The fields we keep from a valid card."""
    fields = {}
    for field, path, _items in FIELDS:
        element = _find(root, path)
        text = (
            _metrics_text(element) if field == ModelCardField.Field.KEY_METRICS else _text(element)
        )
        if text:
            fields[field] = (text, path)
    return {
        "model_name": _text(_find(root, "BasicInfo/ModelName"))[:300],
        "developer": _text(_find(root, "BasicInfo/ModelDeveloper"))[:300],
        "release_version": _text(_find(root, "ReleaseInfo/ReleaseVersion"))[:100],
        "fields": fields,
    }


def _item_key(project: Project, candidates: tuple[str, ...]) -> str:
    existing = set(
        ChecklistItem.objects.filter(
            stage__pathway_id=project.pathway_id, key__in=candidates
        ).values_list("key", flat=True)
    )
    return next((key for key in candidates if key in existing), "")


def import_model_card(*, product: Product, by, upload) -> ModelCard:
    """Read, check and store a vendor's model card for one of its products (all or nothing)."""
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    root = parse_card(data)
    card_data = read_card(root)
    name = Path(upload.name).name[:255]
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        locked = services.lock_market(
            product.vendor.project,
            by,
            can_edit_market,
            (services.DIALOGUE_TOOL, services.EVALUATION_TOOL),
        )
        current = Product.objects.select_related("vendor").get(
            pk=product.pk, vendor__project=locked
        )
        card = ModelCard.objects.create(
            product=current,
            schema_version=SCHEMA_VERSION,
            model_name=card_data["model_name"],
            developer=card_data["developer"],
            release_version=card_data["release_version"],
            source_name=name,
            source_sha256=digest,
            imported_by=by,
            imported_at=timezone.now(),
        )
        candidates = {field: items for field, _path, items in FIELDS}
        ModelCardField.objects.bulk_create(
            [
                ModelCardField(
                    card=card,
                    field=field,
                    text=text,
                    source=f"{name}: {path}"[:300],
                    item_key=_item_key(locked, candidates[field]),
                )
                for field, (text, path) in card_data["fields"].items()
            ]
        )
        services.record_market(
            locked,
            Action.MARKET_MODEL_CARD,
            by,
            services.DIALOGUE_TOOL,
            subject=f"{current.vendor.name}: {current.name}",
            after={
                "file": name,
                "sha256": digest,
                "model_name": card.model_name,
                "fields": sorted(card_data["fields"]),
            },
        )
        return card


def confirm_field(*, field: ModelCardField, by) -> ModelCardField:
    """A team member confirms a pre-filled answer. When its checklist item can be answered now
    by them, the text becomes the item's answer (through the checklist's own service, which
    journals it); the confirmation itself is journalled too."""
    project = field.card.product.vendor.project
    with transaction.atomic():
        locked = services.lock_market(
            project,
            by,
            lambda p, u: can_confirm(p, u, field, roles_of(p, u)),
            (services.DIALOGUE_TOOL, services.EVALUATION_TOOL),
        )
        current = ModelCardField.objects.select_for_update().get(pk=field.pk)
        if current.confirmed_at is not None:
            return current
        item = field_item(locked, current)
        answered = False
        if item is not None:
            status = load_stage_status(locked)
            if can_edit_answer(locked, status, by, item):
                procurement_services.save_answer(
                    project=locked, item=item, by=by, value=current.text
                )
                answered = True
        current.confirmed_by, current.confirmed_at = by, timezone.now()
        current.save(update_fields=["confirmed_by", "confirmed_at"])
        services.record_market(
            locked,
            Action.MARKET_MODEL_CARD,
            by,
            services.DIALOGUE_TOOL,
            subject=_("confirmed: %(field)s") % {"field": current.get_field_display()},
            after={
                "field": current.field,
                "source": current.source,
                "item": current.item_key,
                "answered": answered,
            },
        )
        return current


def confirmable_fields(project: Project, user, vendors: list[Vendor]) -> set[int]:
    """The ids of the pre-filled answers `user` may confirm (for the page's buttons)."""
    roles = roles_of(project, user)
    return {
        field.pk
        for vendor in vendors
        for product in vendor.products.all()
        for card in product.model_cards.all()
        for field in card.fields.all()
        if can_confirm(project, user, field, roles)
    }


# --- export -----------------------------------------------------------------------------------

NOT_STATED = gettext_noop("Not stated.")


def _tool_results(project: Project, tool: str) -> list[dict]:
    implementation = TOOLS.get(tool)
    if implementation is None:
        return []
    results = []
    for stage in project.stages_with_tool(tool):
        data = implementation.dossier_data(project=project, stage=stage)
        if data:
            results.append(data)
    return results


def local_results(project: Project) -> dict:
    """The project's own validation and monitoring results as model card metrics."""
    efficacy, fairness, safety = [], [], []
    for phase in _tool_results(project, "validation"):
        for criterion in phase.get("criteria", []):
            label = f"{phase.get('phase_label', '')}: {criterion.get('metric_label', '')}"
            efficacy.append(
                (
                    label,
                    {
                        "kind": "text",
                        "value": criterion.get("pooled", ""),
                        "criterion": criterion.get("description", ""),
                        "status": criterion.get("status_label", ""),
                    },
                )
            )
            for group in criterion.get("failing_groups", []):
                fairness.append((f"{label} ({group})", {"kind": "text", "value": "failing"}))
    for plan in _tool_results(project, "monitoring"):
        for metric in (plan.get("metrics") or {}).values():
            safety.append(
                (
                    str(metric.get("label", "")),
                    {
                        "kind": "text",
                        "baseline": str(metric.get("baseline", "")),
                        "first_alarm": str(metric.get("first_alarm") or ""),
                    },
                )
            )
        for incident in plan.get("incidents", []):
            safety.append(
                (
                    f"{incident.get('metric', '')} {incident.get('period', '')}",
                    {"kind": "text", "value": str(incident.get("decision") or "open")},
                )
            )
    return {"efficacy": efficacy, "fairness": fairness, "safety": safety}


def _latest_card(project: Project) -> ModelCard | None:
    cards = ModelCard.objects.filter(product__vendor__project=project).select_related(
        "product__vendor"
    )
    winner = cards.filter(product__vendor__status=Vendor.Status.WINNER).first()
    return winner or cards.first()


def export_model_card(project: Project) -> bytes:
    """A CHAI Applied Model Card (v0.2) for the product as this project validated and monitors
    it: the vendor's card's descriptive fields where one was imported, and the project's own
    validation and monitoring results as the key metrics. Checked against the schema."""
    card = _latest_card(project)
    given = {f.field: f.text for f in card.fields.all()} if card else {}
    fallback = _(NOT_STATED)
    product = card.product if card else None
    results = local_results(project)

    def element(parent, name, text=None):
        child = etree.SubElement(parent, f"{{{NS}}}{name}")
        if text is not None:
            child.text = text or fallback
        return child

    root = etree.Element(f"{{{NS}}}AppliedModelCard", nsmap={None: NS})
    basic = element(root, "BasicInfo")
    element(basic, "ModelName", card.model_name if card else project.product_name)
    element(basic, "ModelDeveloper", card.developer if card else project.vendor_name)
    element(basic, "DeveloperContact", product.vendor.contact if product else "")
    release = element(root, "ReleaseInfo")
    element(
        release,
        "ReleaseStage",
        _("In local validation and monitoring at %(org)s") % {"org": project.organisation.name},
    )
    element(release, "ReleaseDate", "")
    element(release, "ReleaseVersion", card.release_version if card else "")
    element(release, "GlobalAvailability", "")
    element(release, "RegulatoryApproval", given.get(ModelCardField.Field.REGULATORY_APPROVAL, ""))
    summary = element(root, "ModelSummary")
    element(summary, "Summary", project.clinical_need)
    element(summary, "Keywords")
    uses = element(root, "UsesAndDirections")
    element(uses, "IntendedUseAndWorkflow", given.get(ModelCardField.Field.INTENDED_USE, ""))
    element(uses, "PrimaryIntendedUsers", project.department)
    element(uses, "HowToUse", "")
    element(
        uses, "TargetedPatientPopulation", given.get(ModelCardField.Field.TARGET_POPULATION, "")
    )
    element(uses, "CautionedOutOfScopeSettings", given.get(ModelCardField.Field.OUT_OF_SCOPE, ""))
    warnings = element(root, "Warnings")
    for name in (
        "KnownRisksAndLimitations",
        "KnownBiasesOrEthicalConsiderations",
        "ClinicalRiskLevel",
    ):
        element(warnings, name, "")
    trust = element(root, "TrustIngredients")
    facts = element(trust, "AISystemFacts")
    for name in (
        "OutcomesAndOutputs",
        "ModelType",
        "InputDataSource",
        "OutputAndInputDataTypes",
        "DevelopmentDataCharacterization",
        "BiasMitigationApproaches",
        "OngoingMaintenance",
    ):
        element(facts, name, "")
    transparency = element(trust, "TransparencyInformation")
    element(transparency, "FundingSource", "")
    element(transparency, "StakeholdersConsulted", "")
    metrics = element(root, "KeyMetrics")
    groups = (
        (
            "UsefulnessUsabilityEfficacy",
            results["efficacy"],
            _("Local validation against the acceptance criteria fixed before validation."),
        ),
        (
            "FairnessEquity",
            results["fairness"],
            _("Subgroups that failed an acceptance criterion in the local validation."),
        ),
        (
            "SafetyReliability",
            results["safety"],
            _("Monitoring in operation: metrics against their baselines, and incidents."),
        ),
    )
    for name, rows, goal in groups:
        group = element(metrics, name)
        element(group, "MetricGoal", goal)
        found = element(group, "Results")
        for label, value in rows or [(_("No local results yet"), {"kind": "text", "value": ""})]:
            result = element(found, "MetricResult")
            element(result, "Label", label or fallback)
            element(result, "ValueJson", json.dumps(value, ensure_ascii=False))
        element(group, "Interpretation", "")
        element(group, "TestType", _("Local (deployment site)"))
        element(group, "TestingDataDescription", "")
        element(group, "ValidationProcessAndJustification", "")
    resources = element(root, "Resources")
    element(resources, "PeerReviewedPublications", "")
    element(resources, "PatientConsentOrDisclosure", "")
    element(root, "Bibliography", "")
    if not schema().validate(root):  # pragma: no cover - a bug in the builder above
        raise RuntimeError(f"exported model card is invalid: {schema().error_log.last_error}")
    out = io.BytesIO()
    etree.ElementTree(root).write(out, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return out.getvalue()
