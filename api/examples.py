"""An example of every request and response body the API documents, from the demo data's Ambient
Scribe project (see README, "API"). The schema attaches them where an operation has none of its
own; tests/api/test_schema_examples.py checks that every operation has one and that each is valid
for its serializer."""

from drf_spectacular.utils import OpenApiExample

from . import serializers as s

WHEN = "2026-12-01T09:30:00+01:00"
STAGE = {"key": "prospective_validation", "order": 11, "name": "Gennemfør prospektiv validering"}
REASON = {
    "code": "validation_criteria_not_met",
    "message": "1 acceptkriterium er ikke opfyldt",
    "role": "",
    "items": [
        "sparet dokumentationstid (%) ≥ 10, på den nedre grænse af 95 %-konfidensintervallet"
    ],
    "people": [],
}
PROJECT = {
    "id": 1,
    "title": "Test og evaluering af Ambient Scribe i Region Syddanmark",
    "organisation": "Region Syddanmark",
    "organisation_id": 1,
    "department": "Almen praksis og hospitaler",
    "product_name": "Notavox Scribe",
    "vendor_name": "Notavox (fiktiv leverandør)",
    "owner": "kliniker",
    "pathway": "indkoeb-ce-maerket-ai",
    "pathway_version": 6,
    "state": "prospective_validation",
    "state_label": "Gennemfør prospektiv validering",
    "is_active": True,
    "approval_requested_at": None,
    "updated_at": WHEN,
}
ANSWER = {
    "value": "yes",
    "justification": "",
    "revision": 2,
    "answered_by": "aikompetence",
    "updated_at": WHEN,
    "evidence_name": None,
}
SIGNOFF = {"role": "lawyer", "user": "jurist", "answer_revision": 2, "created_at": WHEN}
UPLOAD = {
    "id": 31,
    "phase": "prospective",
    "site": "OUH Hjertemedicinsk afdeling",
    "kind": "time",
    "original_name": "dokumentationstid-uge-48.csv",
    "row_count": 120,
    "sha256": "9f22c44fd8b1e0c5a7d3b2f1e4c6a8b0d2f4e6a8c0b2d4f6e8a0c2b4d6f8e0a2",
    "uploaded_at": WHEN,
}
ENTRY = {
    "seq": 212,
    "action": "answered",
    "action_label": "svar gemt",
    "by": "kliniker",
    "via": "Regionens BI (k3J9xQ)",
    "at": WHEN,
    "stage_key": "prospective_validation",
    "subject": "prospective_validation.human_oversight",
    "from_state": "prospective_validation",
    "to_state": "prospective_validation",
    "before": None,
    "after": {"value": "Lægen læser og godkender hvert notat.", "revision": 1},
    "comment": "Fra regionens kvalitetssystem.",
    "prev_hash": "4c1f0e2d3b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
    "hash": "a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2",
}

RESPONSES = {
    s.ProjectSerializer: PROJECT,
    s.ProjectDetailSerializer: {
        **PROJECT,
        "clinical_need": "Lægerne bruger op til en tredjedel af konsultationen på journalføring.",
        "current_stage": STAGE,
        "roles": ["clinician"],
        "approve_blocked_by": [REASON],
        "request_approval_blocked_by": [REASON],
        "next_step": {
            "code": "waiting",
            "message": "Intet at gøre for dig – venter på AI-kompetenceenheden.",
            "items": [],
            "overdue": False,
        },
    },
    s.StageItemsSerializer: {
        "stage": STAGE,
        "frozen": False,
        "items": [
            {
                "key": "prospective_validation.human_oversight",
                "text": "Hvem fører tilsyn med løsningen i afprøvningen, og hvordan?",
                "answer_type": "text",
                "role": "clinician",
                "signoff_role": "",
                "choices": [],
                "applicable": True,
                "required": True,
                "answered": True,
                "signed_off": False,
                "needs_signoff": False,
                "answer": {**ANSWER, "value": "Lægen læser og godkender hvert notat."},
                "signoff": None,
                "may_answer": True,
                "may_sign_off": False,
            }
        ],
    },
    s.AnswerSerializer: ANSWER,
    s.SignOffSerializer: SIGNOFF,
    s.HistorySerializer: {
        "chain_intact": True,
        "count": 212,
        "head": ENTRY["hash"],
        "entries": [ENTRY],
    },
    s.DossierVersionSerializer: {
        "id": 4,
        "number": 2,
        "created_at": WHEN,
        "created_by": "kliniker",
        "state": "prospective_validation",
        "stage_key": "prospective_validation",
        "language": "da",
        "page_count": 47,
        "size": 1482311,
        "sha256": UPLOAD["sha256"],
        "file_name": "dossier-ambient-scribe-v2.pdf",
    },
    s.DossierRequestSerializer: {"id": 9, "number": 3, "status": "queued", "language": "da"},
    s.ValidationUploadSerializer: UPLOAD,
    s.MonitoringPeriodSerializer: {
        "project": 4,
        "source": "classification",
        "period": "2026-11",
        "period_start": "2026-11-01",
        "values": {"n": 400, "tp": 40, "fp": 12, "tn": 340, "fn": 8},
        "alarms": [
            {"metric": "sensitivity", "period": "2026-11", "rules": ["cusum"], "value": 0.83}
        ],
    },
    s.AssistantAnswerSerializer: {
        "question": "Skal vi lave en DPIA?",
        "language": "da",
        "declined": False,
        "project_answer": {
            "kind": "classification",
            "text": "Ja: helbredsoplysninger i stort omfang (art. 35, stk. 3, litra b).",
        },
        "citations": [
            {
                "title": "Er der udført en konsekvensanalyse (DPIA)?",
                "url": "/guide/indkoeb-ce-maerket-ai/#item-legal.dpia_done",
                "sources": ["Databeskyttelsesforordningen (GDPR), art. 35"],
            }
        ],
        "contents_url": "/guide/indkoeb-ce-maerket-ai/",
        "team_url": "/projects/1/team/",
    },
}
REQUESTS = {
    s.SignOffRequestSerializer: {"seen_state": "legal"},
    s.CommentSerializer: {"comment": "Alle punkter er besvaret; klar til godkendelse."},
    s.QuestionRequestSerializer: {"q": "Skal vi lave en DPIA?", "project": 1},
    s.ValidationUploadRequestSerializer: {"site": 7, "kind": "time", "threshold": ""},
    s.AnswerRequestSerializer: {"value": "yes", "justification": "", "seen_state": "legal"},
    s.TransitionRequestSerializer: {"comment": "Databehandleraftalen mangler.", "target": "legal"},
    s.MonitoringPushSerializer: {
        "period": "2026-11",
        "source": "classification",
        "values": {"n": 400, "tp": 40, "fp": 12, "tn": 340, "fn": 8},
    },
}


def _class_of(serializer):
    if isinstance(serializer, type):
        return serializer
    child = getattr(serializer, "child", None)
    return type(child if child is not None else serializer)


def examples_for(serializer, direction: str) -> list[OpenApiExample]:
    """The example of `serializer` (or of a list's items) for a request or a response."""
    table = RESPONSES if direction == "response" else REQUESTS
    value = table.get(_class_of(serializer))
    if value is None:
        return []
    return [
        OpenApiExample(
            "Demo",
            value=value,
            response_only=direction == "response",
            request_only=direction == "request",
        )
    ]
