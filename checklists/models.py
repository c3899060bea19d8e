"""Pathways, their stages and checklist items: content loaded from the YAML files in pathways/.

A published pathway version is immutable: the loader refuses a changed file for a version that is
already loaded, and the admin shows published versions read-only.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .roles import AnswerType, ResponsibleBody, Role


def pick_language(da: str, en: str) -> str:
    """The Danish or English text for the active language; Danish is the default."""
    lang = (get_language() or "da")[:2]
    return en if lang == "en" and en else da


class Pathway(models.Model):
    slug = models.SlugField(_("slug"), max_length=80)
    version = models.PositiveIntegerField(_("version"))
    name_da = models.CharField(_("name (Danish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_da = models.TextField(_("description (Danish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    source_file = models.CharField(_("source file"), max_length=200)
    checksum = models.CharField(_("SHA-256 of the source file"), max_length=64)
    is_published = models.BooleanField(_("published"), default=True)
    continues_into = models.SlugField(_("continues into pathway"), max_length=80, blank=True)
    continue_at = models.SlugField(_("continues at stage"), max_length=80, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)
    # Who owns the pathway: an organisation whose content editors publish its versions in the
    # browser (authoring), or nobody for the national seed loaded from the files. Every version
    # of a slug has the same owner.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pathways",
    )
    shared = models.BooleanField(
        _("shared with other organisations"),
        default=False,
        help_text=_("Other organisations may adopt this version as a copy of their own."),
    )
    # Where an adopted copy came from: the publisher (empty for the national seed), the
    # publisher's slug and version, and the SHA-256 of that version's content. A merge of the
    # publisher's newer version moves these to the version merged.
    origin_organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("adopted from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adopted_pathways",
    )
    origin_slug = models.SlugField(_("origin slug"), max_length=80, blank=True)
    origin_version = models.PositiveIntegerField(_("origin version"), null=True, blank=True)
    origin_checksum = models.CharField(_("SHA-256 of the origin"), max_length=64, blank=True)

    class Meta:
        ordering = ["slug", "-version"]
        verbose_name = _("pathway version")
        verbose_name_plural = _("pathway versions")
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="unique_pathway_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def name(self) -> str:
        return pick_language(self.name_da, self.name_en)

    @property
    def description(self) -> str:
        return pick_language(self.description_da, self.description_en)

    def newer_versions(self):
        return Pathway.objects.filter(
            slug=self.slug, version__gt=self.version, is_published=True
        ).order_by("-version")

    @classmethod
    def latest(cls, slug: str) -> "Pathway | None":
        return cls.objects.filter(slug=slug, is_published=True).order_by("-version").first()


class Stage(models.Model):
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="stages")
    key = models.SlugField(_("key"), max_length=80)
    order = models.PositiveIntegerField(_("order"))
    name_da = models.CharField(_("name (Danish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    purpose_da = models.TextField(_("purpose (Danish)"), blank=True)
    purpose_en = models.TextField(_("purpose (English)"), blank=True)
    gate_question_da = models.CharField(_("gate question (Danish)"), max_length=300, blank=True)
    gate_question_en = models.CharField(_("gate question (English)"), max_length=300, blank=True)
    responsible_body = models.CharField(
        _("responsible body"), max_length=40, choices=ResponsibleBody.choices
    )
    roles = models.JSONField(_("roles involved"), default=list)
    tools = models.JSONField(_("tools"), default=list, blank=True)

    class Meta:
        ordering = ["pathway", "order"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.UniqueConstraint(fields=["pathway", "key"], name="unique_stage_key"),
            models.UniqueConstraint(fields=["pathway", "order"], name="unique_stage_order"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick_language(self.name_da, self.name_en)

    @property
    def purpose(self) -> str:
        return pick_language(self.purpose_da, self.purpose_en)

    @property
    def gate_question(self) -> str:
        return pick_language(self.gate_question_da, self.gate_question_en)

    @property
    def number(self) -> int:
        return self.order + 1

    def role_labels(self) -> list[str]:
        return [Role(role).label for role in self.roles if role in Role.values]


class ChecklistItem(models.Model):
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(_("key"), max_length=120)
    order = models.PositiveIntegerField(_("order"))
    text_da = models.TextField(_("text (Danish)"))
    text_en = models.TextField(_("text (English)"))
    help_da = models.TextField(_("help (Danish)"), blank=True)
    help_en = models.TextField(_("help (English)"), blank=True)
    change_note_da = models.TextField(
        _("change note (Danish)"),
        blank=True,
        help_text=_("Why the item changed since the previous version of the pathway."),
    )
    change_note_en = models.TextField(_("change note (English)"), blank=True)
    role = models.CharField(_("responsible role"), max_length=40, choices=Role.choices)
    answer_type = models.CharField(_("answer type"), max_length=20, choices=AnswerType.choices)
    required = models.BooleanField(_("required"), default=False)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    condition = models.JSONField(_("condition"), default=dict, blank=True)
    required_when = models.JSONField(_("required when"), default=dict, blank=True)
    signoff_role = models.CharField(
        _("sign-off by"), max_length=40, choices=Role.choices, blank=True
    )
    sources = models.JSONField(_("sources"), default=list, blank=True)

    class Meta:
        ordering = ["stage__order", "order"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        constraints = [
            models.UniqueConstraint(fields=["stage", "key"], name="unique_item_key_in_stage"),
            models.UniqueConstraint(fields=["stage", "order"], name="unique_item_order"),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def text(self) -> str:
        return pick_language(self.text_da, self.text_en)

    @property
    def help(self) -> str:
        return pick_language(self.help_da, self.help_en)

    @property
    def change_note(self) -> str:
        return pick_language(self.change_note_da, self.change_note_en)

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def signoff_role_label(self) -> str:
        return Role(self.signoff_role).label if self.signoff_role else ""

    def choice_options(self) -> list[tuple[str, str]]:
        return [(c["key"], pick_language(c["da"], c["en"])) for c in self.choices]

    def choice_label(self, key: str) -> str:
        return dict(self.choice_options()).get(key, key)
