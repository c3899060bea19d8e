"""What the market pages, panels, the evaluation report and the dossier show, built from the
selectors' state. Scores go through `EvaluationState.visible_scores` everywhere."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from procurement.models import Project

from . import scoring
from .gate import dialogue_reasons, evaluation_reasons
from .models import DialogueEntry, Vendor
from .permissions import can_edit_market, can_run_evaluation, can_score
from .selectors import EvaluationState, dialogue_of, open_questions, vendors_of


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


def _number(value) -> str:
    return "" if value is None else str(scoring.rounded(value))


def criterion_rows(state: EvaluationState) -> list[dict]:
    return [
        {
            "requirement": c,
            "low": state.scale(c.pk)[0],
            "high": state.scale(c.pk)[1],
        }
        for c in state.criteria
    ]


def score_table(state: EvaluationState, viewer) -> list[dict]:
    """Per bidder and criterion: the scores `viewer` may see, and the consensus."""
    visible = state.visible_scores(viewer)
    rows = []
    for vendor in state.bidders:
        cells = []
        for criterion in state.criteria:
            scores = [
                s for s in visible if s.vendor_id == vendor.pk and s.requirement_id == criterion.pk
            ]
            cells.append(
                {
                    "criterion": criterion,
                    "scores": scores,
                    "own": next((s for s in scores if s.evaluator_id == viewer.pk), None)
                    if getattr(viewer, "pk", None)
                    else None,
                    "consensus": state.consensus.get((vendor.pk, criterion.pk)),
                    "low": state.scale(criterion.pk)[0],
                    "high": state.scale(criterion.pk)[1],
                }
            )
        minimums = [
            {
                "requirement": r,
                "check": state.checks.get((vendor.pk, r.pk)),
                "answer": state.answers.get((vendor.pk, r.pk)),
            }
            for r in state.minimums
        ]
        rows.append({"vendor": vendor, "cells": cells, "minimums": minimums})
    return rows


def analysis(state: EvaluationState) -> dict[str, Any] | None:
    """The ranking, the sensitivity table and the margin, once every consensus is set."""
    if not state.consensus_complete:
        return None
    criteria = state.scoring_criteria()
    bidders = state.scoring_bidders()
    ranking = scoring.rank(bidders, criteria)
    margin = scoring.margin(bidders, criteria)
    top = scoring.winner(ranking)
    return {
        "ranking": [
            {
                "vendor": r.bidder.name,
                "rank": r.rank,
                "total": _number(r.total),
                "failed_minimum": list(r.bidder.failed_minimum),
            }
            for r in ranking
        ],
        "winner": top.name if top else None,
        "tied": top is None and any(r.rank == 1 for r in ranking),
        "sensitivity": [
            {
                "criterion": row.criterion.label,
                "change": row.change,
                "weight": _number(row.weights[row.criterion.key]),
                "winners": list(row.winners),
                "changes_winner": row.changes_winner,
            }
            for row in scoring.sensitivity(bidders, criteria)
        ],
        "margin": None
        if margin is None
        else {
            "first": margin.first.name,
            "second": margin.second.name,
            "margin": _number(margin.margin),
            "contributions": [
                {
                    "criterion": c.criterion.label,
                    "part": _number(c.part),
                    "change_needed": _number(c.change_needed),
                    "whose": c.change_whose,
                }
                for c in margin.contributions
            ],
            "decisive": margin.decisive.criterion.label if margin.decisive else None,
        },
    }


def evaluation_context(project: Project, user, state: EvaluationState, roles: set[str]) -> dict:
    return {
        "state": state,
        "criteria": criterion_rows(state),
        "table": score_table(state, user),
        "revealed": state.all_scored,
        "my_missing": state.missing_for(user.pk) if getattr(user, "pk", None) else 0,
        "analysis": analysis(state),
        "gate_reasons": evaluation_reasons(state),
        "can_run": can_run_evaluation(project, user, roles) and state.finished is None,
        "can_score": can_score(project, user) and state.finished is None and not state.all_scored,
    }


def dialogue_tool_context(project: Project, user, roles: set[str]) -> dict:
    vendors = vendors_of(project)
    questions = open_questions(project)
    return {
        "vendor_count": len(vendors),
        "in_dialogue": sum(1 for v in vendors if v.status == Vendor.Status.IN_DIALOGUE),
        "open_questions": questions,
        "gate_reasons": dialogue_reasons(questions),
        "page_url": reverse("market:page", args=[project.pk]),
        "can_edit": can_edit_market(project, user, roles),
    }


def dialogue_data(project: Project) -> dict[str, Any] | None:
    """The vendors and the dialogue log for the dossier: who got which information when."""
    vendors = vendors_of(project)
    entries = dialogue_of(project)
    if not vendors and not entries:
        return None
    return {
        "vendors": [
            {
                "name": v.name,
                "cvr": v.cvr,
                "contact": v.contact,
                "status": v.status,
                "status_label": str(v.get_status_display()),
                "exclusion_reason": v.exclusion_reason,
                "products": [
                    {
                        "name": p.name,
                        "ce_marked": p.ce_marked,
                        "device_class": p.get_device_class_display() if p.device_class else "",
                        "notified_body": p.notified_body,
                        "model_cards": [
                            {
                                "model_name": card.model_name,
                                "release_version": card.release_version,
                                "file": card.source_name,
                                "sha256": card.source_sha256,
                                "fields": [
                                    {
                                        "field": str(f.get_field_display()),
                                        "text": f.text,
                                        "source": f.source,
                                        "confirmed_by": _name(f.confirmed_by),
                                    }
                                    for f in card.fields.all()
                                ],
                            }
                            for card in p.model_cards.all()
                        ],
                    }
                    for p in v.products.all()
                ],
            }
            for v in vendors
        ],
        "entries": [
            {
                "date": e.occurred_on,
                "kind": e.kind,
                "kind_label": str(e.get_kind_display()),
                "vendor": e.vendor.name if e.vendor else _("every vendor in dialogue"),
                "title": e.title,
                "text": e.text,
                "answer": e.answer,
                "published_at": e.published_at,
                "disclosed_to": [
                    {"vendor": d.vendor.name, "at": d.disclosed_at} for d in e.disclosures.all()
                ],
                "files": [{"name": f.original_name, "sha256": f.sha256} for f in e.files.all()],
            }
            for e in entries
        ],
        "open_questions": sum(
            1 for e in entries if e.kind == DialogueEntry.Kind.QUESTION and not e.published_at
        ),
    }


def evaluation_data(state: EvaluationState) -> dict[str, Any] | None:
    """The evaluation for the dossier and the report. Individual scores appear only once
    every evaluator has scored (`visible_scores(None)` is empty before)."""
    if not state.bidders and not state.evaluators:
        return None
    visible = state.visible_scores(None)
    return {
        "finished": state.finished is not None,
        "finished_by": _name(state.finished.finished_by) if state.finished else "",
        "finished_at": state.finished.finished_at if state.finished else None,
        "by_competition": state.by_competition,
        "evaluators": [_name(e.user) for e in state.evaluators],
        "revealed": state.all_scored,
        "criteria": [
            {
                "number": c.position,
                "text": c.text,
                "weight": str(c.weight),
                "scale": list(state.scale(c.pk)),
            }
            for c in state.criteria
        ],
        "bidders": [
            {
                "name": v.name,
                "minimum": [
                    {
                        "number": r.position,
                        "text": r.text,
                        "met": check.met if check else None,
                        "note": check.note if check else "",
                        "vendor_says": answer.complies if answer else None,
                    }
                    for r in state.minimums
                    for check, answer in [
                        (state.checks.get((v.pk, r.pk)), state.answers.get((v.pk, r.pk)))
                    ]
                ],
                "criteria": [
                    {
                        "number": c.position,
                        "scores": [
                            {
                                "evaluator": _name(s.evaluator),
                                "value": str(s.value.normalize()),
                                "justification": s.justification,
                            }
                            for s in visible
                            if s.vendor_id == v.pk and s.requirement_id == c.pk
                        ],
                        "consensus": None
                        if (k := state.consensus.get((v.pk, c.pk))) is None
                        else {
                            "value": str(k.value.normalize()),
                            "reason": k.reason,
                            "set_by": _name(k.set_by),
                        },
                    }
                    for c in state.criteria
                ],
            }
            for v in state.bidders
        ],
        "analysis": analysis(state),
    }
