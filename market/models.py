"""Market dialogue and offers: the vendors of a project, what was said to whom and when, their
answers to the questionnaire, the evaluators' scores and the consensus, and model cards.

The award criteria and minimum requirements are the requirements list's rows
(`dossier.models.Requirement`); this app only adds what a vendor or an evaluator says about them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dossier.models import Requirement
from procurement.models import Project


class Vendor(models.Model):
    class Status(models.TextChoices):
        IDENTIFIED = "identified", _("identified")
        IN_DIALOGUE = "in_dialogue", _("in dialogue")
        EXCLUDED = "excluded", _("excluded")
        BIDDER = "bidder", _("bidder")
        WINNER = "winner", _("winner")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="vendors")
    name = models.CharField(_("name"), max_length=200)
    cvr = models.CharField(_("CVR number"), max_length=8, blank=True)
    contact = models.CharField(_("contact"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.IDENTIFIED
    )
    exclusion_reason = models.TextField(_("reason for exclusion"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["project", "name"]
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="unique_vendor_name"),
            models.UniqueConstraint(
                fields=["project", "cvr"], condition=~Q(cvr=""), name="unique_vendor_cvr"
            ),
            models.CheckConstraint(
                condition=~Q(status="excluded") | ~Q(exclusion_reason=""),
                name="excluded_vendor_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(cvr="") | Q(cvr__regex=r"^[0-9]{8}$"), name="vendor_cvr_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_bidder(self) -> bool:
        return self.status in BIDDER_STATUSES


# The statuses of a vendor whose offer is evaluated.
BIDDER_STATUSES = (Vendor.Status.BIDDER, Vendor.Status.WINNER)


class Product(models.Model):
    class DeviceClass(models.TextChoices):
        NOT_DEVICE = "not_device", _("not a medical device")
        I = "I", _("class I")  # noqa: E741 - the MDR's name for the class
        IIA = "IIa", _("class IIa")
        IIB = "IIb", _("class IIb")
        III = "III", _("class III")

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(_("product"), max_length=200)
    ce_marked = models.BooleanField(_("CE-marked"), default=False)
    device_class = models.CharField(
        _("MDR class"), max_length=20, choices=DeviceClass.choices, blank=True
    )
    notified_body = models.CharField(
        _("notified body"),
        max_length=200,
        blank=True,
        help_text=_("Name and four-digit number, e.g. BSI Group The Netherlands B.V. (2797)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["vendor", "name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.UniqueConstraint(fields=["vendor", "name"], name="unique_product_name"),
        ]

    def __str__(self) -> str:
        return self.name


class DialogueEntry(models.Model):
    """One thing in the market dialogue: a meeting with a vendor, a vendor's question (and the
    region's answer), or information the region sends to every vendor in dialogue."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("meeting")
        QUESTION = "question", _("question from a vendor")
        INFORMATION = "information", _("information to every vendor")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="dialogue")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    vendor = models.ForeignKey(
        Vendor,
        verbose_name=_("vendor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dialogue",
    )
    occurred_on = models.DateField(_("date"))
    title = models.CharField(_("subject"), max_length=200)
    text = models.TextField(_("text"))
    answer = models.TextField(_("the region's answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published to every vendor"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "occurred_on", "pk"]
        verbose_name = _("dialogue entry")
        verbose_name_plural = _("dialogue entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="information", vendor__isnull=True)
                | (~Q(kind="information") & Q(vendor__isnull=False)),
                name="dialogue_vendor_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(kind__in=["question", "information"]),
                name="dialogue_only_questions_and_information_published",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Disclosure(models.Model):
    """That a vendor was given a published answer or piece of information, and when: the
    proof of equal treatment."""

    entry = models.ForeignKey(DialogueEntry, on_delete=models.CASCADE, related_name="disclosures")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="disclosures")
    disclosed_at = models.DateTimeField()

    class Meta:
        ordering = ["entry", "vendor__name"]
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        constraints = [
            models.UniqueConstraint(fields=["entry", "vendor"], name="unique_disclosure"),
        ]

    def __str__(self) -> str:
        return f"{self.entry} → {self.vendor}"


class DialogueFile(models.Model):
    """A file attached to a dialogue entry (minutes, slides), stored like evidence."""

    entry = models.ForeignKey(DialogueEntry, on_delete=models.PROTECT, related_name="files")
    original_name = models.CharField(_("file name"), max_length=255)
    stored_name = models.CharField(max_length=64, unique=True, editable=False)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry", "uploaded_at"]
        verbose_name = _("dialogue file")
        verbose_name_plural = _("dialogue files")

    def __str__(self) -> str:
        return self.original_name


class OfferAnswer(models.Model):
    """A vendor's answer to one requirement, from its filled questionnaire."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="offer_answers")
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="+")
    complies = models.BooleanField(_("the vendor says it meets the requirement"), null=True)
    text = models.TextField(_("the vendor's answer"), blank=True)
    source_name = models.CharField(_("file"), max_length=255)
    source_sha256 = models.CharField(_("SHA-256"), max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["vendor", "requirement__position"]
        verbose_name = _("offer answer")
        verbose_name_plural = _("offer answers")
        constraints = [
            models.UniqueConstraint(fields=["vendor", "requirement"], name="unique_offer_answer"),
        ]

    def __str__(self) -> str:
        return f"{self.vendor}: {self.requirement}"


class CriterionScale(models.Model):
    """The scale evaluators score an award criterion on (default 0-10)."""

    requirement = models.OneToOneField(
        Requirement, on_delete=models.CASCADE, related_name="market_scale"
    )
    low = models.PositiveSmallIntegerField(_("lowest score"), default=0)
    high = models.PositiveSmallIntegerField(_("highest score"), default=10)

    class Meta:
        verbose_name = _("scale")
        verbose_name_plural = _("scales")
        constraints = [
            models.CheckConstraint(
                condition=Q(high__gt=models.F("low")), name="scale_high_above_low"
            ),
            models.CheckConstraint(condition=Q(high__lte=1000), name="scale_high_at_most_1000"),
        ]

    def __str__(self) -> str:
        return f"{self.low}-{self.high}"


class Evaluator(models.Model):
    """A team member the procurement consultant has asked to score the offers."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="evaluators")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "user__first_name", "user__username"]
        verbose_name = _("evaluator")
        verbose_name_plural = _("evaluators")
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="unique_evaluator"),
        ]

    def __str__(self) -> str:
        return str(self.user)


class Score(models.Model):
    """One evaluator's score of one bidder on one award criterion, with its justification.
    Other evaluators do not see it until every evaluator has scored everything
    (market.selectors.visible_scores)."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="scores")
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="+")
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    value = models.DecimalField(_("score"), max_digits=6, decimal_places=2)
    justification = models.TextField(_("justification"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["vendor__name", "requirement__position"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "requirement", "evaluator"], name="unique_score"
            ),
            models.CheckConstraint(condition=~Q(justification=""), name="score_has_justification"),
        ]

    def __str__(self) -> str:
        return f"{self.vendor}, {self.requirement}: {self.evaluator}"


class Consensus(models.Model):
    """The score the procurement consultant sets for a bidder on a criterion once every
    evaluator has scored, with the reason; the ranking is computed from these."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="consensus")
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(_("consensus score"), max_digits=6, decimal_places=2)
    reason = models.TextField(_("reason"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["vendor__name", "requirement__position"]
        verbose_name = _("consensus score")
        verbose_name_plural = _("consensus scores")
        constraints = [
            models.UniqueConstraint(fields=["vendor", "requirement"], name="unique_consensus"),
            models.CheckConstraint(condition=~Q(reason=""), name="consensus_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.vendor}, {self.requirement}"


class MinimumCheck(models.Model):
    """Whether a bidder's offer meets a minimum requirement, as the procurement consultant
    judged it. A bidder that fails one is out of the ranking."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="minimum_checks")
    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="+")
    met = models.BooleanField(_("met"))
    note = models.TextField(_("note"), blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["vendor__name", "requirement__position"]
        verbose_name = _("minimum requirement check")
        verbose_name_plural = _("minimum requirement checks")
        constraints = [
            models.UniqueConstraint(fields=["vendor", "requirement"], name="unique_minimum_check"),
            models.CheckConstraint(
                condition=Q(met=True) | ~Q(note=""), name="failed_check_has_note"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vendor}, {self.requirement}"


class Evaluation(models.Model):
    """That the evaluation of the offers is finished (the scores and consensus are then frozen)
    and what the ranking was at that moment."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="evaluation")
    finished_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    finished_at = models.DateTimeField()
    ranking = models.JSONField(_("ranking when finished"))

    class Meta:
        verbose_name = _("finished evaluation")
        verbose_name_plural = _("finished evaluations")

    def __str__(self) -> str:
        return str(self.project)


class ModelCard(models.Model):
    """A vendor's CHAI Applied Model Card for one product, as imported (the fields we read)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="model_cards")
    schema_version = models.CharField(max_length=20)
    model_name = models.CharField(_("model name"), max_length=300)
    developer = models.CharField(_("developer"), max_length=300)
    release_version = models.CharField(_("release version"), max_length=100, blank=True)
    source_name = models.CharField(_("file"), max_length=255)
    source_sha256 = models.CharField(_("SHA-256"), max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["product", "-imported_at"]
        verbose_name = _("model card")
        verbose_name_plural = _("model cards")

    def __str__(self) -> str:
        return self.model_name


class ModelCardField(models.Model):
    """One answer a model card gives (intended use, target population...), pre-filled and
    marked with its source until a team member confirms it."""

    class Field(models.TextChoices):
        INTENDED_USE = "intended_use", _("intended use")
        TARGET_POPULATION = "target_population", _("target population")
        OUT_OF_SCOPE = "out_of_scope", _("out-of-scope use")
        REGULATORY_APPROVAL = "regulatory_approval", _("regulatory approval")
        KEY_METRICS = "key_metrics", _("key metrics")

    card = models.ForeignKey(ModelCard, on_delete=models.CASCADE, related_name="fields")
    field = models.CharField(max_length=40, choices=Field.choices)
    text = models.TextField()
    source = models.CharField(_("source"), max_length=300)
    item_key = models.CharField(_("checklist item"), max_length=120, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["card", "pk"]
        verbose_name = _("model card answer")
        verbose_name_plural = _("model card answers")
        constraints = [
            models.UniqueConstraint(fields=["card", "field"], name="unique_model_card_field"),
            models.CheckConstraint(
                condition=Q(confirmed_by__isnull=True) | Q(confirmed_at__isnull=False),
                name="confirmed_field_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.card}: {self.field}"
