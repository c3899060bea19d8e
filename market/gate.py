"""The market tools' gate reasons: one function per stage tool, read by the panel, the page,
"what now" and the stage's approval alike (through procurement.gates' tool reasons)."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from checklists.roles import Role
from procurement.gates import Reason

from .models import DialogueEntry
from .selectors import EvaluationState

QUESTIONS_OPEN = "market_questions_open"
EVALUATION_UNFINISHED = "market_evaluation_unfinished"


def dialogue_reasons(open_questions: list[DialogueEntry]) -> list[Reason]:
    """A vendor's question the region has not answered blocks the market dialogue: every vendor
    in dialogue must get the answer before the dialogue closes."""
    if not open_questions:
        return []
    count = len(open_questions)
    return [
        Reason(
            QUESTIONS_OPEN,
            ngettext(
                "%(count)d question from a vendor has not been answered and published",
                "%(count)d questions from vendors have not been answered and published",
                count,
            )
            % {"count": count},
            items=tuple(f"{q.vendor.name}: {q.title}" for q in open_questions[:10]),
            role=Role.PROCUREMENT,
        )
    ]


def evaluation_reasons(state: EvaluationState) -> list[Reason]:
    """When the tender is a competition between offers, the stage needs a finished evaluation."""
    if not state.by_competition or state.finished is not None:
        return []
    return [
        Reason(
            EVALUATION_UNFINISHED,
            _(
                "The tender is a competition between offers: the evaluation of the offers must be "
                "finished (scores, consensus and ranking)."
            ),
            role=Role.PROCUREMENT,
        )
    ]
