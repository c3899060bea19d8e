"""Enumerations shared by the models, the parser and the statistics (kept apart from the models
so the pure modules do not need the app registry)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    RETROSPECTIVE = "retrospective", _("retrospective validation")
    PROSPECTIVE = "prospective", _("prospective validation")


class UploadKind(models.TextChoices):
    CLASSIFICATION = "classification", _("classification results (score and outcome per case)")
    PDQI9 = "pdqi9", _("PDQI-9 note quality ratings")
    ERRORS = "errors", _("errors per note (hallucinations and omissions)")
    TIME = "time", _("documentation time per encounter")


class WaveStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    RUNNING = "running", _("running")
    DONE = "done", _("done")


# A site in a wave that has started is meant to deliver results in the prospective phase.
DELIVERING = (WaveStatus.RUNNING, WaveStatus.DONE)


class SiteKind(models.TextChoices):
    HOSPITAL = "hospital", _("hospital")
    GENERAL_PRACTICE = "general_practice", _("general practice")
    OTHER = "other", _("other")


class Direction(models.TextChoices):
    AT_LEAST = "ge", "≥"
    AT_MOST = "le", "≤"


class JudgedOn(models.TextChoices):
    # xgettext:no-python-format
    BOUND = "bound", _("95 % confidence bound")
    POINT = "point", _("point estimate")


def phase_for_stage_key(stage_key: str) -> str:
    """The validation phase a stage stands for: prospective for a stage whose key says so
    (prospective_validation), retrospective otherwise."""
    return Phase.PROSPECTIVE if "prospective" in stage_key else Phase.RETROSPECTIVE
