"""Orders 订单 from the online stores (DESIGN.md, "Order").

The fulfilment status is a protected django-fsm field. Three transitions write it:
- `cancel` (permission `orders.cancel_order`), run by `shipments.cancelling.cancel_order` through `orders.services.set_cancelled`;
- `close_short` (permission `orders.close_order_short`), run by `shipments.closing.close_order_short`
  through `orders.services.set_closed_short`;
- `derive_fulfilment_status`, the one place a derived status is written, run only by
  `orders.services.set_fulfilment_status` (which the shipments app drives after each of its transitions).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, transition

from core.updated_at import updated_at_field


class FulfilmentStatus(models.TextChoices):
    AWAITING_SHIPMENT = "awaiting_shipment", _("Awaiting shipment")
    PARTIALLY_SHIPPED = "partially_shipped", _("Partially shipped")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    RECEIVED = "received", _("Received")
    INVOICED = "invoiced", _("Invoiced")
    CANCELLED = "cancelled", _("Cancelled")


# States a derivation may move an order between; cancelled and invoiced are final.
DERIVABLE_STATUSES = [s for s in FulfilmentStatus.values if s != FulfilmentStatus.CANCELLED]
LIVE_STATUSES = [s for s in FulfilmentStatus.values if s not in (FulfilmentStatus.CANCELLED,
                                                                 FulfilmentStatus.INVOICED)]
# Closing short leaves every remaining unit dispatched, so the order is at least shipped after it.
CLOSED_SHORT_STATUSES = [FulfilmentStatus.SHIPPED, FulfilmentStatus.DELIVERED, FulfilmentStatus.RECEIVED]


class AftersalesStatus(models.TextChoices):
    NONE = "none", _("None")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")


class OrderSource(models.TextChoices):
    FORM = "form", _("Typed in")
    IMPORT = "import", _("Imported")
    API = "api", _("API")


class Order(models.Model):
    """An order from a store; `(store, external_order_no)` is unique, so re-imports never duplicate."""

    # Timeline label of the audit row of its after-sales status, written by orders.services (core.audit).
    log_labels = {"derive_aftersales_status": _("After-sales status"),
                  "deadline_at_risk": _("Dispatch deadline: at risk (notified)"),
                  "deadline_overdue": _("Dispatch deadline: overdue (notified)")}

    store = models.ForeignKey("catalog.Store", verbose_name=_("store"), on_delete=models.PROTECT,
                              related_name="orders")
    external_order_no = models.CharField(_("order no."), max_length=64)
    recipient_name = models.CharField(_("recipient name"), max_length=100)
    recipient_phone = models.CharField(_("recipient phone"), max_length=40)
    recipient_address = models.CharField(_("recipient address"), max_length=300)
    ordered_at = models.DateTimeField(_("ordered at"))
    source = models.CharField(_("source"), max_length=10, choices=OrderSource.choices,
                              default=OrderSource.FORM)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = updated_at_field()
    fulfilment_status = FSMField(_("fulfilment status"), max_length=20, choices=FulfilmentStatus.choices,
                                 default=FulfilmentStatus.AWAITING_SHIPMENT, protected=True)
    aftersales_status = models.CharField(_("after-sales status"), max_length=20,
                                         choices=AftersalesStatus.choices, default=AftersalesStatus.NONE)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=300, blank=True)
    # Close short 部分发货结案: why the rest will never ship (who and when: the transition log).
    close_short_reason = models.CharField(_("close-short reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-ordered_at", "-id"]
        permissions = [("cancel_order", _("Can cancel an order")),
                       ("close_order_short", _("Can close a partly shipped order short"))]
        constraints = [
            models.UniqueConstraint(fields=["store", "external_order_no"], name="order_store_external_no_unique"),
            models.CheckConstraint(condition=~Q(external_order_no=""), name="order_external_no_not_empty"),
        ]
        indexes = [
            models.Index(fields=["-ordered_at", "-id"], name="order_ordered_at_idx"),
            models.Index(fields=["fulfilment_status", "-ordered_at"], name="order_status_ordered_idx"),
            models.Index(fields=["store", "-ordered_at"], name="order_store_ordered_idx"),
            models.Index(fields=["external_order_no"], name="order_external_no_idx"),
            # The list sorts by recipient (then id): without it a 1M-order page took ~400 ms to sort
            # (benchmarks/order_list.py); with it the first page is read off the index either way.
            models.Index(fields=["recipient_name", "id"], name="order_recipient_idx"),
        ]

    def __str__(self):
        return f"{self.store} · {self.external_order_no}"

    def get_absolute_url(self):
        return reverse("orders:order_detail", args=[self.pk])

    # ---- transitions (called by orders.services only) -------------------------------------------
    @property
    def has_live_aftersales_ticket(self):
        """Any after-sales ticket not rejected, resolved or closed (the derived after-sales status)."""
        return self.aftersales_status == AftersalesStatus.IN_PROGRESS

    @transition(field=fulfilment_status, source=FulfilmentStatus.AWAITING_SHIPMENT,
                target=FulfilmentStatus.CANCELLED, permission="orders.cancel_order",
                conditions=[lambda order: not order.has_live_aftersales_ticket],
                custom={"label": _("Cancel order")})
    def cancel(self, *, by=None, comment=""):
        """Only while nothing is dispatched; the shipments app cancels undispatched shipments with it."""

    @transition(field=fulfilment_status, source=FulfilmentStatus.PARTIALLY_SHIPPED,
                target=RETURN_VALUE(*CLOSED_SHORT_STATUSES), permission="orders.close_order_short",
                custom={"label": _("Close short")})
    def close_short(self, status, *, by=None, comment=""):
        """The rest of a partly shipped order will never ship: `status` is derived over the units that
        remain (run by shipments.closing.close_order_short through orders.services.set_closed_short)."""
        return status

    @transition(field=fulfilment_status, source=LIVE_STATUSES, target=RETURN_VALUE(*DERIVABLE_STATUSES),
                custom={"label": _("Fulfilment status updated")})
    def derive_fulfilment_status(self, status, *, by=None, comment=""):
        """Write the status derived from the shipments (orders.services.set_fulfilment_status)."""
        return status


class OrderLine(models.Model):
    """A product, a quantity and a unit price on an order."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="order_lines")
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    # Units that will never ship (the order was closed short); "all" in the fulfilment status and the
    # open quantity count the ordered units less these.
    closed_short_quantity = models.PositiveIntegerField(_("closed-short units"), default=0)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="order_line_price_not_negative"),
            models.CheckConstraint(condition=Q(closed_short_quantity__gte=0)
                                   & Q(closed_short_quantity__lte=F("quantity")),
                                   name="order_line_closed_short_within_quantity"),
        ]

    def __str__(self):
        return f"{self.product.sku} × {self.quantity}"

    @property
    def amount(self):
        return self.quantity * self.unit_price

    @property
    def remaining_quantity(self):
        """The ordered units less the closed-short ones: what is shipped, delivered and invoiced."""
        return self.quantity - self.closed_short_quantity

    @property
    def remaining_amount(self):
        return self.remaining_quantity * self.unit_price


# ---- invoices 发票 (DESIGN.md, "Invoice"; services in orders/invoices.py) ----------------------------

class InvoiceKind(models.TextChoices):
    GENERAL_VAT = "general_vat", _("General VAT invoice")
    SPECIAL_VAT = "special_vat", _("Special VAT invoice")
    COMMERCIAL = "commercial", _("Commercial invoice")


VAT_INVOICE_KINDS = (InvoiceKind.GENERAL_VAT, InvoiceKind.SPECIAL_VAT)


def invoice_upload_to(instance, filename):
    return f"invoices/{timezone.localdate():%Y/%m}/{filename}"


class Invoice(models.Model):
    """The record that a received order was invoiced (one per order). VAT invoices come from the tax
    system (number and e-invoice file entered); commercial invoices are numbered by Consign from a
    gap-free sequence (InvoiceNumberSequence) and rendered to PDF."""

    order = models.OneToOneField(Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="invoice")
    kind = models.CharField(_("invoice type"), max_length=20, choices=InvoiceKind.choices)
    number = models.CharField(_("invoice no."), max_length=40)
    issued_on = models.DateField(_("invoice date"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    file = models.FileField(_("file"), upload_to=invoice_upload_to, max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_on", "-id"]
        permissions = [("record_invoice", _("Can record or issue an invoice"))]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="invoice_kind_number_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_amount_positive"),
            models.CheckConstraint(condition=~Q(number=""), name="invoice_number_not_empty"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    def get_absolute_url(self):
        return reverse("orders:order_detail", args=[self.order_id])

    @property
    def is_commercial(self):
        return self.kind == InvoiceKind.COMMERCIAL


class InvoiceNumberSequence(models.Model):
    """The last number handed out per (prefix, year). The row is locked (SELECT … FOR UPDATE) in the
    transaction that inserts the invoice, so numbers are gap-free: a rolled-back invoice gives its
    number back with the rollback, and concurrent invoices queue on the row."""

    prefix = models.CharField(_("prefix"), max_length=10)
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("invoice number sequence")
        verbose_name_plural = _("invoice number sequences")
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="invoice_sequence_prefix_year_unique"),
        ]

    def __str__(self):
        return f"{self.prefix}{self.year}: {self.last_number}"
