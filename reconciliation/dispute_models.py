"""A statement's dispute 异议 (DESIGN.md, "Reconciliation statement"): the lines a supplier contests, each
with its reason and finance's answer, and the statement's thread of messages.

A posted entry is never edited, so finance answers a line either with an adjustment entry (posted through
reconciliation.services.post_supplier_entries; it lands on the next statement) or with an explanation of
why the entry stands. Written only by reconciliation.disputes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AnswerKind(models.TextChoices):
    ADJUSTMENT = "adjustment", _("Adjustment")
    EXPLANATION = "explanation", _("Explanation")


class DisputedLine(models.Model):
    """One contested entry of a statement, its reason, and finance's answer (empty until answered)."""

    statement = models.ForeignKey("reconciliation.Statement", verbose_name=_("statement"),
                                  on_delete=models.PROTECT, related_name="disputed_lines")
    entry = models.ForeignKey("reconciliation.SupplierAccountEntry", verbose_name=_("entry"),
                              on_delete=models.PROTECT, related_name="disputes")
    reason = models.CharField(_("reason"), max_length=500)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("raised by"), on_delete=models.PROTECT,
                                  related_name="+")
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    answer_kind = models.CharField(_("answer"), max_length=20, choices=AnswerKind.choices, blank=True)
    answer_text = models.CharField(_("answer text"), max_length=500, blank=True)
    adjustment = models.OneToOneField("reconciliation.SupplierAccountEntry", verbose_name=_("adjustment entry"),
                                      on_delete=models.PROTECT, null=True, blank=True, related_name="answers_dispute")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("answered by"),
                                    on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("disputed line")
        verbose_name_plural = _("disputed lines")
        ordering = ["statement", "entry__entry_date", "entry_id"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(fields=["statement", "entry"], name="disputedline_once_per_entry"),
            models.CheckConstraint(condition=~Q(reason=""), name="disputedline_has_reason"),
            # Unanswered; or answered by an explanation (its text); or by an adjustment (its entry and reason).
            models.CheckConstraint(
                condition=(Q(answer_kind="") & Q(answered_at__isnull=True) & Q(adjustment__isnull=True))
                | (Q(answer_kind=AnswerKind.EXPLANATION) & ~Q(answer_text="") & Q(answered_at__isnull=False)
                   & Q(adjustment__isnull=True))
                | (Q(answer_kind=AnswerKind.ADJUSTMENT) & ~Q(answer_text="") & Q(answered_at__isnull=False)
                   & Q(adjustment__isnull=False)),
                name="disputedline_answer_is_whole",
            ),
        ]

    def __str__(self):
        return f"{self.statement} · #{self.entry_id}"

    @property
    def is_answered(self):
        return self.answered_at is not None


class StatementMessage(models.Model):
    """One message of a statement's thread (supplier or finance); kept, never edited."""

    statement = models.ForeignKey("reconciliation.Statement", verbose_name=_("statement"),
                                  on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
                               related_name="+")
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("statement message")
        verbose_name_plural = _("statement messages")
        ordering = ["created_at", "id"]
        default_permissions = ("view",)
        constraints = [models.CheckConstraint(condition=~Q(body=""), name="statementmessage_has_body")]

    def __str__(self):
        return f"{self.statement} · {self.author}"
