"""Reads the decision helpers need from the rest of the product, each in one query."""

from checklists.models import ChecklistItem
from procurement.models import Answer, Project

from .dated_data import DatedData
from .models import BusinessCase, DatedValue


def answer_values(project: Project, keys=None) -> dict[str, str]:
    """The project's stored answers by item key (optionally only `keys`)."""
    answers = Answer.objects.filter(project=project)
    if keys is not None:
        answers = answers.filter(item__key__in=list(keys))
    return dict(answers.values_list("item__key", "value"))


def items_by_key(project: Project, keys) -> dict[str, ChecklistItem]:
    """The project's pathway items with these keys (with their stage)."""
    items = ChecklistItem.objects.filter(
        stage__pathway_id=project.pathway_id, key__in=list(keys)
    ).select_related("stage")
    return {item.key: item for item in items}


def business_case_of(project: Project) -> BusinessCase | None:
    return BusinessCase.objects.filter(project=project).first()


def load_dated_data() -> DatedData:
    """Every figure administrators maintain (one query)."""
    return DatedData(tuple(value.as_fact() for value in DatedValue.objects.all()))
