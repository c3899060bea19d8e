"""The `monitoring` stage tool: its panel on the monitoring stage, its gate reasons and its part
of the dossier."""

from checklists.extensions import StageTool
from procurement.gates import Reason

from .gate import gate_reasons_for
from .presentation import dossier_data, panel_context
from .selectors import load_state
from .services import TOOL


class MonitoringTool(StageTool):
    name = TOOL
    item_keys = ()

    def gate_reasons(self, *, project, stage, status) -> list[Reason]:
        return gate_reasons_for(load_state(project))

    def context(self, *, project, stage, user, status) -> dict:
        return panel_context(project=project, stage=stage, user=user, roles=status.roles_of(user))

    def dossier_data(self, *, project, stage) -> dict | None:
        state = load_state(project)
        if state.plan is None and not state.plans:
            return None
        return dossier_data(state)
