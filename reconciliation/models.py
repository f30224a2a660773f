"""Supplier account 供应商往来: an append-only ledger of money events between the seller and each supplier,
posted only by `reconciliation.services.post_supplier_entries`.

An entry never changes, except its statement key and reconciliation date, which only the reconciliation
service sets (model, admin and, on PostgreSQL, a trigger enforce this: migration 0002).
Statements (对账单) and their payments live in statement_models.py (imported below)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Supplier
from core.append_only import AppendOnlyModel
from core.updated_at import updated_at_field


class EntryKind(models.TextChoices):
    DROP_SHIP_GOODS = "drop_ship_goods", _("Drop-ship goods")
    FREIGHT = "freight", _("Freight")
    GOODS_RECEIPT = "goods_receipt", _("Goods receipt")
    MANUFACTURER_COMPENSATION = "manufacturer_compensation", _("Manufacturer compensation")
    CHARGE_BACK = "charge_back", _("Charge-back")
    # Finance's answer to a disputed (or mistaken) entry: either sign, with a reason and the entry it
    # corrects (a posted entry is never edited; DESIGN.md, "Reconciliation statement").
    ADJUSTMENT = "adjustment", _("Adjustment")


# The seller owes the supplier (+) for goods, freight and receipts; the supplier owes back (−) for
# manufacturer compensation and charge-backs (DESIGN.md, "Supplier account").
POSITIVE_KINDS = (EntryKind.DROP_SHIP_GOODS, EntryKind.FREIGHT, EntryKind.GOODS_RECEIPT)
NEGATIVE_KINDS = (EntryKind.MANUFACTURER_COMPENSATION, EntryKind.CHARGE_BACK)


class SupplierAccountEntry(AppendOnlyModel):
    """供应商往来明细: one money event; amount > 0 the seller owes the supplier, < 0 the reverse."""

    # Only the reconciliation service writes these two (reconciliation/statements.py); `updated_at` follows them:
    # the database sets it on every UPDATE of the row (core/updated_at.py), so an entry put on or taken off a
    # statement, or reconciled, is listed again by the API's `updated_since`, whichever code wrote it.
    mutable_fields = frozenset({"statement", "reconciled_on"})

    supplier = models.ForeignKey(Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT,
                                 related_name="account_entries")
    kind = models.CharField(_("kind"), max_length=30, choices=EntryKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    description = models.CharField(_("description"), max_length=255, blank=True)
    source_type = models.ForeignKey(ContentType, verbose_name=_("source type"), on_delete=models.PROTECT,
                                    related_name="+")
    source_id = models.PositiveBigIntegerField(_("source id"))
    source = GenericForeignKey("source_type", "source_id")
    entry_date = models.DateField(_("entry date"))
    statement = models.ForeignKey("Statement", verbose_name=_("statement"), on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="entries")
    reconciled_on = models.DateField(_("reconciled on"), null=True, blank=True)
    corrects = models.ForeignKey("self", verbose_name=_("corrects"), on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="adjustments")
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("posted by"), on_delete=models.PROTECT,
                              null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    updated_at = updated_at_field()

    class Meta:
        verbose_name = _("supplier account entry")
        verbose_name_plural = _("supplier account entries")
        ordering = ["-entry_date", "-id"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["supplier", "entry_date", "id"], name="supplierentry_supplier_idx"),
            models.Index(fields=["source_type", "source_id"], name="supplierentry_source_idx"),
            # The reconciliation dashboard: entries of a period, and the ageing of the unreconciled ones.
            models.Index(fields=["entry_date"], name="supplierentry_date_idx"),
            models.Index(fields=["supplier", "entry_date"], include=["amount"], name="supplierentry_open_idx",
                         condition=Q(reconciled_on__isnull=True)),
        ]
        constraints = [
            # One entry per (kind, source): posting twice for the same line or ticket is refused.
            models.UniqueConstraint(fields=["kind", "source_type", "source_id"],
                                    name="supplierentry_once_per_kind_and_source"),
            models.CheckConstraint(
                condition=(Q(kind__in=[k.value for k in POSITIVE_KINDS]) & Q(amount__gte=0))
                | (Q(kind__in=[k.value for k in NEGATIVE_KINDS]) & Q(amount__lte=0))
                | (Q(kind=EntryKind.ADJUSTMENT) & ~Q(amount=0)),
                name="supplierentry_sign_follows_kind",
            ),
            # An adjustment names the entry it corrects and why; no other kind corrects anything.
            models.CheckConstraint(
                condition=(Q(kind=EntryKind.ADJUSTMENT) & Q(corrects__isnull=False) & ~Q(reason=""))
                | (~Q(kind=EntryKind.ADJUSTMENT) & Q(corrects__isnull=True)),
                name="supplierentry_adjustment_corrects_with_reason",
            ),
            models.CheckConstraint(condition=Q(reconciled_on__isnull=True) | Q(statement__isnull=False),
                                   name="supplierentry_reconciled_only_on_statement"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} ({self.supplier_id})"


from .dispute_models import AnswerKind, DisputedLine, StatementMessage  # noqa: E402
from .statement_models import (  # noqa: E402  (statements sit above the entries they settle)
    ConfirmationMethod,
    PaymentDirection,
    PaymentMethod,
    Statement,
    StatementPayment,
    StatementState,
)

__all__ = ["AnswerKind", "ConfirmationMethod", "DisputedLine", "EntryKind", "NEGATIVE_KINDS", "POSITIVE_KINDS",
           "PaymentDirection", "StatementMessage",
           "PaymentMethod", "Statement", "StatementPayment", "StatementState", "SupplierAccountEntry"]
