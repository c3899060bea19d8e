"""The market stage tools: `market_dialogue` (vendors, the dialogue log, questionnaires and
model cards; on the market dialogue stage) and `offer_evaluation` (scores, consensus and ranking;
on the tender stage). Each gives its panel, its gate reasons and its part of the dossier."""

from django.urls import reverse

from checklists.extensions import StageTool
from procurement.gates import Reason

from .gate import dialogue_reasons, evaluation_reasons
from .modelcard import MODEL_CARD_ITEM_KEYS
from .permissions import can_run_evaluation, can_score
from .presentation import dialogue_data, dialogue_tool_context, evaluation_data
from .selectors import PROCEDURE_ITEM, load_evaluation, open_questions
from .services import DIALOGUE_TOOL, EVALUATION_TOOL


class DialogueTool(StageTool):
    name = DIALOGUE_TOOL
    # A model card's answers go to the first of their candidate items the pathway has, if any.
    item_keys = optional_item_keys = MODEL_CARD_ITEM_KEYS

    def gate_reasons(self, *, project, stage, status) -> list[Reason]:
        return dialogue_reasons(open_questions(project))

    def context(self, *, project, stage, user, status) -> dict:
        return dialogue_tool_context(project, user, status.roles_of(user))

    def dossier_data(self, *, project, stage) -> dict | None:
        return dialogue_data(project)


class EvaluationTool(StageTool):
    name = EVALUATION_TOOL
    item_keys = (PROCEDURE_ITEM,)  # whether the offers compete (the ranking is shown)

    def gate_reasons(self, *, project, stage, status) -> list[Reason]:
        state = load_evaluation(project)
        status.tool_data[self.name] = state
        return evaluation_reasons(state)

    def context(self, *, project, stage, user, status) -> dict:
        state = status.tool_data.get(self.name) or load_evaluation(project)
        roles = status.roles_of(user)
        return {
            "state": state,
            "gate_reasons": evaluation_reasons(state),
            "my_missing": state.missing_for(user.pk),
            "can_score": can_score(project, user),
            "can_run": can_run_evaluation(project, user, roles),
            "page_url": reverse("market:evaluation", args=[project.pk]),
        }

    def dossier_data(self, *, project, stage) -> dict | None:
        return evaluation_data(load_evaluation(project))
