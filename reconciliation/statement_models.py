"""Reconciliation statement 对账单 (DESIGN.md, "Reconciliation statement"): a supplier's entries settled
together. The total is computed from the entries, never typed: `total` is a cache that only
`reconciliation.statements` recomputes (aggregate of the entries, in the same transaction as any change
of the entries); `paid` likewise sums the payments. The database keeps 0 ≤ paid ≤ |total|.

States: draft → submitted → approved | (rejected: back to draft with a reason, entries stay);
void from draft releases the entries; after approval the supplier confirms (supplier_confirmed, optional
before payment) or disputes lines (disputed: finance answers each line, then the supplier confirms; the lines
and the thread live in dispute_models.py), then partially_paid → paid by recorded payments. A statement whose total is zero is settled at approval
(approved → paid by `settle`, in the approval's transaction: there is nothing to pay)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, transition

from catalog.models import Supplier
from core.updated_at import updated_at_field


class StatementState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    SUPPLIER_CONFIRMED = "supplier_confirmed", _("Supplier confirmed")
    DISPUTED = "disputed", _("Disputed")
    PARTIALLY_PAID = "partially_paid", _("Partially paid")
    PAID = "paid", _("Paid")
    VOID = "void", _("Void")


APPROVED_STATES = (StatementState.APPROVED, StatementState.DISPUTED, StatementState.SUPPLIER_CONFIRMED,
                   StatementState.PARTIALLY_PAID, StatementState.PAID)
# A disputed statement is not paid until the supplier confirms it (every line answered).
PAYABLE_STATES = (StatementState.APPROVED, StatementState.SUPPLIER_CONFIRMED, StatementState.PARTIALLY_PAID)


class ConfirmationMethod(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    SIGNED_COPY = "signed_copy", _("Signed copy")
    CHAT = "chat", _("Chat message")
    PORTAL = "portal", _("Supplier portal")
    OTHER = "other", _("Other")


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    OFFSET = "offset", _("Offset against other amounts")
    CASH = "cash", _("Cash")
    OTHER = "other", _("Other")


class PaymentDirection(models.TextChoices):
    TO_SUPPLIER = "to_supplier", _("To the supplier")
    FROM_SUPPLIER = "from_supplier", _("From the supplier")


class Statement(models.Model):
    """对账单: a supplier's entries of a period, approved by a finance supervisor, then paid."""

    # Timeline labels of log rows written without a transition method (statements.build_statement) and of
    # the audit rows of writes that move no state (core.audit).
    log_labels = {"build": _("Build statement"), "add_entries": _("Entries added"),
                  "remove_entries": _("Entries removed"), "answer_dispute": _("Disputed line answered"),
                  "message": _("Message")}

    supplier = models.ForeignKey(Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT,
                                 related_name="statements")
    period_from = models.DateField(_("period from"), default=timezone.localdate)
    period_to = models.DateField(_("period to"), default=timezone.localdate)
    kinds = models.JSONField(_("entry kinds"), default=list, blank=True,
                             help_text=_("Empty: every kind."))
    state = FSMField(_("state"), choices=StatementState.choices, default=StatementState.DRAFT, protected=True)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=0)
    entry_count = models.PositiveIntegerField(_("entries"), default=0)
    paid = models.DecimalField(_("paid"), max_digits=14, decimal_places=2, default=0)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("built by"), on_delete=models.PROTECT,
                                   null=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = updated_at_field()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"),
                                     on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"),
                                    on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("supplier confirmation recorded by"),
                                     on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    confirmed_at = models.DateTimeField(_("supplier confirmed at"), null=True, blank=True)
    confirmation_method = models.CharField(_("confirmed how"), max_length=20, choices=ConfirmationMethod.choices,
                                           blank=True)
    confirmation_note = models.CharField(_("confirmation note"), max_length=255, blank=True)
    void_reason = models.CharField(_("reason for voiding"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("reconciliation statement")
        verbose_name_plural = _("reconciliation statements")
        ordering = ["-id"]
        permissions = [
            ("build_statement", _("Can build statement")),
            ("submit_statement", _("Can submit statement")),
            ("approve_statement", _("Can approve statement")),
            ("reject_statement", _("Can reject statement")),
            ("void_statement", _("Can void statement")),
            ("confirm_statement", _("Can record supplier confirmation of statement")),
            ("pay_statement", _("Can record payment of statement")),
            ("answer_dispute", _("Can answer disputed statement lines")),
            # The supplier's own transitions: granted to the supplier role; the service also checks that the
            # login is one of the statement's supplier's portal users.
            ("supplier_confirm_statement", _("Can confirm own statement (supplier)")),
            ("dispute_statement", _("Can dispute own statement (supplier)")),
        ]
        indexes = [models.Index(fields=["supplier", "state"], name="statement_supplier_state_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(period_from__lte=F("period_to")), name="statement_period_in_order"),
            # Paid never exceeds the absolute total: paid ≤ total when the seller owes, ≤ −total otherwise.
            models.CheckConstraint(condition=Q(paid__gte=0) & (Q(paid__lte=F("total")) | Q(paid__lte=-F("total"))),
                                   name="statement_paid_within_total"),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("reconciliation:statement_detail", args=[self.pk])

    @property
    def number(self):
        return f"ST-{self.pk:06d}" if self.pk else "ST-new"

    @property
    def absolute_total(self):
        return abs(self.total)

    @property
    def remaining(self):
        """Still to pay (always ≥ 0; the direction follows the sign of the total)."""
        return abs(self.total) - self.paid

    @property
    def direction(self):
        return PaymentDirection.FROM_SUPPLIER if self.total < 0 else PaymentDirection.TO_SUPPLIER

    @property
    def is_approved(self):
        return self.state in APPROVED_STATES

    def has_entries(self):
        return self.entry_count > 0

    # ---- transitions (side effects live in reconciliation.statements) ---------------------------------
    @transition(field=state, source=StatementState.DRAFT, target=StatementState.SUBMITTED,
                permission="reconciliation.submit_statement", conditions=[has_entries],
                custom={"label": _("Submit")})
    def submit(self, *, by=None, comment="", at=None):
        self.submitted_by = by
        self.submitted_at = at
        self.rejection_reason = ""

    @transition(field=state, source=StatementState.SUBMITTED, target=StatementState.APPROVED,
                permission="reconciliation.approve_statement", custom={"label": _("Approve")})
    def approve(self, *, by=None, comment="", at=None):
        self.approved_by = by
        self.approved_at = at

    @transition(field=state, source=StatementState.SUBMITTED, target=StatementState.DRAFT,
                permission="reconciliation.reject_statement", custom={"label": _("Reject")})
    def reject(self, *, by=None, comment=""):
        self.rejection_reason = comment

    @transition(field=state, source=StatementState.DRAFT, target=StatementState.VOID,
                permission="reconciliation.void_statement", custom={"label": _("Void")})
    def void(self, *, by=None, comment=""):
        self.void_reason = comment[:255]

    def has_no_open_disputes(self):
        return not self.disputed_lines.filter(answered_at__isnull=True).exists()

    @transition(field=state, source=StatementState.APPROVED, target=StatementState.DISPUTED,
                permission="reconciliation.dispute_statement", custom={"label": _("Dispute")})
    def dispute(self, *, by=None, comment=""):
        """The lines and their reasons are written by reconciliation.disputes.dispute_statement."""

    @transition(field=state, source=[StatementState.APPROVED, StatementState.DISPUTED],
                target=StatementState.SUPPLIER_CONFIRMED, permission="reconciliation.supplier_confirm_statement",
                conditions=[has_no_open_disputes], custom={"label": _("Confirm")})
    def supplier_confirm(self, *, by=None, comment="", at=None):
        self.confirmed_by = by
        self.confirmed_at = at
        self.confirmation_method = ConfirmationMethod.PORTAL

    @transition(field=state, source=[StatementState.APPROVED, StatementState.DISPUTED],
                target=StatementState.SUPPLIER_CONFIRMED, permission="reconciliation.confirm_statement",
                conditions=[has_no_open_disputes], custom={"label": _("Record supplier confirmation")})
    def confirm(self, *, by=None, comment="", at=None, how="", note=""):
        self.confirmed_by = by
        self.confirmed_at = at
        self.confirmation_method = how
        self.confirmation_note = note[:255]

    def has_zero_total(self):
        return self.total == 0

    @transition(field=state, source=StatementState.APPROVED, target=StatementState.PAID,
                permission="reconciliation.approve_statement", conditions=[has_zero_total],
                custom={"label": _("Settle (zero total)")})
    def settle(self, *, by=None, comment=""):
        """A statement whose entries sum to zero owes nothing either way: it is settled at approval
        (reconciliation.statements.approve_statement runs this right after `approve`)."""

    @transition(field=state, source=list(PAYABLE_STATES),
                target=RETURN_VALUE(StatementState.PARTIALLY_PAID, StatementState.PAID),
                permission="reconciliation.pay_statement", custom={"label": _("Record payment")})
    def pay(self, *, by=None, comment="", paid=None):
        self.paid = paid
        return StatementState.PAID if self.paid >= abs(self.total) else StatementState.PARTIALLY_PAID


class StatementPayment(models.Model):
    """付款: money settled on an approved statement. `amount` > 0; its direction follows the sign of
    the statement's total (a negative statement is settled by a payment from the supplier)."""

    statement = models.ForeignKey(Statement, verbose_name=_("statement"), on_delete=models.PROTECT,
                                  related_name="payments")
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    direction = models.CharField(_("direction"), max_length=20, choices=PaymentDirection.choices)
    paid_on = models.DateField(_("payment date"))
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("statement payment")
        verbose_name_plural = _("statement payments")
        ordering = ["paid_on", "id"]
        default_permissions = ("view",)
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="statementpayment_amount_positive")]

    def __str__(self):
        return f"{self.statement} · {self.amount} ({self.get_direction_display()})"

    @property
    def signed_amount(self):
        """+ paid to the supplier, − received from it."""
        return -self.amount if self.direction == PaymentDirection.FROM_SUPPLIER else self.amount
