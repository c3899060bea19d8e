"""The assistant's question log: what people asked and what it answered, so content owners can
see what the guideline lacks. No personal data: no user, no IP address; the project is kept only
to show which stage a question came from. Deleted after ASSISTANT_LOG_RETENTION_DAYS days
(`manage.py purge_questions`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Rating(models.IntegerChoices):
    UP = 1, _("helpful")
    DOWN = -1, _("not helpful")


class QuestionLog(models.Model):
    question = models.CharField(_("question"), max_length=300)
    language = models.CharField(_("language"), max_length=2)
    page = models.CharField(_("asked on page"), max_length=200, blank=True)
    project = models.ForeignKey(
        "procurement.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("project"),
    )
    stage_key = models.CharField(_("project stage"), max_length=80, blank=True)
    cited = models.JSONField(_("cited"), default=list, blank=True)
    declined = models.BooleanField(_("declined"), default=False)
    project_answer = models.CharField(_("project answer"), max_length=40, blank=True)
    rating = models.SmallIntegerField(_("rating"), choices=Rating.choices, null=True, blank=True)
    asked_at = models.DateTimeField(_("asked at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-asked_at"]
        verbose_name = _("question asked")
        verbose_name_plural = _("questions asked")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__in=[1, -1]),
                name="question_rating_up_or_down",
            ),
        ]

    def __str__(self) -> str:
        return self.question
