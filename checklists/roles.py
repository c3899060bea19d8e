"""The roles a person can hold on a project, and the bodies responsible for stages.

Kept apart from the models so the pathway loader, the permission rules and the models all share
one list.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLINICIAN = "clinician", _("clinician")
    INNOVATION_CONSULTANT = "innovation_consultant", _("innovation consultant")
    LAWYER = "lawyer", _("lawyer")
    IT_ARCHITECT = "it_architect", _("IT architect")
    PROCUREMENT = "procurement", _("procurement consultant")
    AI_COMPETENCE = "ai_competence", _("AI competence unit")


# The roles whose holders approve: a stage (innovation consultant) or a validation override
# (AI competence unit). The project owner never holds one (procurement.permissions).
APPROVING_ROLES = frozenset({Role.INNOVATION_CONSULTANT, Role.AI_COMPETENCE})


class ResponsibleBody(models.TextChoices):
    STRATEGY_GROUPS = "strategy_groups", _("Strategy groups RSD")
    AI_COMPETENCE_UNIT = "ai_competence_unit", _("AI competence unit")
    IT_PROCUREMENT = "it_procurement", _("IT and procurement")


class AnswerType(models.TextChoices):
    YES_NO_NA = "yes_no_na", _("yes / no / not applicable")
    TEXT = "text", _("text")
    NUMBER = "number", _("number")
    DATE = "date", _("date")
    CHOICE = "choice", _("single choice")
    EVIDENCE = "evidence", _("evidence file")
    LINK = "link", _("link")
