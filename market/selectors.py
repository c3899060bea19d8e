"""Reads for the market dialogue and the evaluation, each in a fixed number of queries.

The rule for hidden scores lives here (`EvaluationState.visible_scores`): until every assigned
evaluator has scored every bidder on every award criterion, a person sees only their own scores.
Views, templates, the dossier and the evaluation report all read scores through it.
"""

from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Prefetch

from checklists.models import ChecklistItem
from decisions.selectors import answer_values
from dossier.models import Requirement
from procurement.models import Project

from . import scoring
from .models import (
    BIDDER_STATUSES,
    Consensus,
    CriterionScale,
    DialogueEntry,
    Disclosure,
    Evaluation,
    Evaluator,
    MinimumCheck,
    ModelCard,
    ModelCardField,
    OfferAnswer,
    Product,
    Score,
    Vendor,
)

# The tender stage's item that says how the product is bought, and the procedures that are a
# competition between offers (an EU tender always is; the others are when two or more vendors
# have made an offer: a mini-competition under a framework, several quotes below the threshold).
PROCEDURE_ITEM = "tender_operation.procedure"
COMPETITIVE_PROCEDURES = frozenset({"eu_tender"})
DEFAULT_LOW, DEFAULT_HIGH = 0, 10


def vendors_of(project: Project) -> list[Vendor]:
    cards = ModelCard.objects.prefetch_related("fields").order_by("-imported_at")
    products = Product.objects.prefetch_related(Prefetch("model_cards", queryset=cards))
    return list(
        Vendor.objects.filter(project=project).prefetch_related(
            Prefetch("products", queryset=products)
        )
    )


def dialogue_of(project: Project) -> list[DialogueEntry]:
    return list(
        DialogueEntry.objects.filter(project=project)
        .select_related("vendor", "created_by", "answered_by")
        .prefetch_related(
            Prefetch("disclosures", queryset=Disclosure.objects.select_related("vendor")),
            "files",
        )
    )


def open_questions(project: Project) -> list[DialogueEntry]:
    return list(
        DialogueEntry.objects.filter(
            project=project, kind=DialogueEntry.Kind.QUESTION, published_at__isnull=True
        ).select_related("vendor")
    )


@dataclass
class EvaluationState:
    project: Project
    criteria: list[Requirement]  # award criteria, in list order
    minimums: list[Requirement]
    scales: dict[int, tuple[int, int]]  # requirement id -> (low, high)
    bidders: list[Vendor]
    evaluators: list[Evaluator]
    scores: list[Score]
    consensus: dict[tuple[int, int], Consensus]  # (vendor id, requirement id)
    checks: dict[tuple[int, int], MinimumCheck]
    answers: dict[tuple[int, int], OfferAnswer]
    finished: Evaluation | None
    procedure: str = ""
    _visible: dict = field(default_factory=dict)

    # --- who has scored what ------------------------------------------------------------------

    @property
    def evaluator_ids(self) -> set[int]:
        return {e.user_id for e in self.evaluators}

    def pairs(self) -> list[tuple[int, int]]:
        return [(v.pk, c.pk) for v in self.bidders for c in self.criteria]

    def scored_by(self, user_id: int) -> set[tuple[int, int]]:
        return {(s.vendor_id, s.requirement_id) for s in self.scores if s.evaluator_id == user_id}

    def missing_for(self, user_id: int) -> int:
        return len(set(self.pairs()) - self.scored_by(user_id))

    @property
    def all_scored(self) -> bool:
        """Every assigned evaluator has scored every bidder on every criterion (and there is
        something to score)."""
        pairs = set(self.pairs())
        if not pairs or not self.evaluators:
            return False
        return all(pairs <= self.scored_by(e.user_id) for e in self.evaluators)

    def visible_scores(self, viewer) -> list[Score]:
        """The scores `viewer` may see: all of them once everyone has scored, otherwise only
        their own (nobody else's, administrators included)."""
        if self.all_scored:
            return self.scores
        viewer_id = getattr(viewer, "pk", None)
        return [s for s in self.scores if s.evaluator_id == viewer_id]

    # --- consensus, minimum requirements and the ranking ----------------------------------------

    def scale(self, requirement_id: int) -> tuple[int, int]:
        return self.scales.get(requirement_id, (DEFAULT_LOW, DEFAULT_HIGH))

    @property
    def consensus_complete(self) -> bool:
        return bool(self.pairs()) and all(pair in self.consensus for pair in self.pairs())

    @property
    def checks_complete(self) -> bool:
        return all((v.pk, r.pk) in self.checks for v in self.bidders for r in self.minimums)

    def failed_minimums(self, vendor: Vendor) -> tuple[str, ...]:
        return tuple(
            f"#{r.position}"
            for r in self.minimums
            if (check := self.checks.get((vendor.pk, r.pk))) is not None and not check.met
        )

    def scoring_criteria(self) -> list[scoring.Criterion]:
        return [
            scoring.Criterion(
                key=c.pk,
                label=f"#{c.position} {c.text[:80]}",
                weight=Fraction(str(c.weight)),
                low=Fraction(self.scale(c.pk)[0]),
                high=Fraction(self.scale(c.pk)[1]),
            )
            for c in self.criteria
        ]

    def scoring_bidders(self) -> list[scoring.Bidder]:
        return [
            scoring.Bidder(
                key=v.pk,
                name=v.name,
                scores={
                    c.pk: self.consensus[(v.pk, c.pk)].value
                    for c in self.criteria
                    if (v.pk, c.pk) in self.consensus
                },
                failed_minimum=self.failed_minimums(v),
            )
            for v in self.bidders
        ]

    def ranking(self) -> list[scoring.Ranked]:
        return scoring.rank(self.scoring_bidders(), self.scoring_criteria())

    @property
    def by_competition(self) -> bool:
        """Whether the tender is a competition between offers (see COMPETITIVE_PROCEDURES)."""
        return self.procedure in COMPETITIVE_PROCEDURES or len(self.bidders) >= 2


def load_evaluation(project: Project) -> EvaluationState:
    requirements = list(Requirement.objects.filter(project=project))
    criteria = [r for r in requirements if r.is_award]
    ids = [r.pk for r in requirements]
    bidders = list(Vendor.objects.filter(project=project, status__in=BIDDER_STATUSES))
    vendor_ids = [v.pk for v in bidders]
    scales = {
        s.requirement_id: (s.low, s.high)
        for s in CriterionScale.objects.filter(requirement_id__in=ids)
    }
    scores = list(
        Score.objects.filter(vendor_id__in=vendor_ids, requirement_id__in=ids).select_related(
            "evaluator"
        )
    )
    return EvaluationState(
        project=project,
        criteria=criteria,
        minimums=[r for r in requirements if not r.is_award],
        scales=scales,
        bidders=bidders,
        evaluators=list(Evaluator.objects.filter(project=project).select_related("user")),
        scores=scores,
        consensus={
            (c.vendor_id, c.requirement_id): c
            for c in Consensus.objects.filter(vendor_id__in=vendor_ids).select_related("set_by")
        },
        checks={
            (c.vendor_id, c.requirement_id): c
            for c in MinimumCheck.objects.filter(vendor_id__in=vendor_ids)
        },
        answers={
            (a.vendor_id, a.requirement_id): a
            for a in OfferAnswer.objects.filter(vendor_id__in=vendor_ids)
        },
        finished=Evaluation.objects.filter(project=project).first(),
        procedure=answer_values(project, [PROCEDURE_ITEM]).get(PROCEDURE_ITEM, ""),
    )


def field_item(project: Project, field: ModelCardField) -> ChecklistItem | None:
    """The checklist item of the project's pathway that a model card's answer belongs to."""
    if not field.item_key:
        return None
    return (
        ChecklistItem.objects.filter(stage__pathway_id=project.pathway_id, key=field.item_key)
        .select_related("stage")
        .first()
    )
