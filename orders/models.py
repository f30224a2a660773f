"""Orders 订单 from the online stores (DESIGN.md, "Order").

The fulfilment status is a protected django-fsm field. Two transitions write it:
- `cancel` (permission `orders.cancel_order`), run by `orders.services.cancel_order`;
- `derive_fulfilment_status`, the one place a derived status is written, run only by
  `orders.services.set_fulfilment_status` (which the shipments app drives after each of its transitions).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition


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


class AftersalesStatus(models.TextChoices):
    NONE = "none", _("None")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")


class OrderSource(models.TextChoices):
    FORM = "form", _("Typed in")
    IMPORT = "import", _("Imported")
    API = "api", _("API")


class Order(ConcurrentTransitionMixin, models.Model):
    """An order from a store; `(store, external_order_no)` is unique, so re-imports never duplicate."""

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
    fulfilment_status = FSMField(_("fulfilment status"), max_length=20, choices=FulfilmentStatus.choices,
                                 default=FulfilmentStatus.AWAITING_SHIPMENT, protected=True)
    aftersales_status = models.CharField(_("after-sales status"), max_length=20,
                                         choices=AftersalesStatus.choices, default=AftersalesStatus.NONE)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-ordered_at", "-id"]
        permissions = [("cancel_order", _("Can cancel an order"))]
        constraints = [
            models.UniqueConstraint(fields=["store", "external_order_no"], name="order_store_external_no_unique"),
            models.CheckConstraint(condition=~Q(external_order_no=""), name="order_external_no_not_empty"),
        ]
        indexes = [
            models.Index(fields=["-ordered_at", "-id"], name="order_ordered_at_idx"),
            models.Index(fields=["fulfilment_status", "-ordered_at"], name="order_status_ordered_idx"),
            models.Index(fields=["store", "-ordered_at"], name="order_store_ordered_idx"),
            models.Index(fields=["external_order_no"], name="order_external_no_idx"),
        ]

    def __str__(self):
        return f"{self.store} · {self.external_order_no}"

    def get_absolute_url(self):
        return reverse("orders:order_detail", args=[self.pk])

    # ---- transitions (called by orders.services only) -------------------------------------------
    @transition(field=fulfilment_status, source=FulfilmentStatus.AWAITING_SHIPMENT,
                target=FulfilmentStatus.CANCELLED, permission="orders.cancel_order")
    def cancel(self, *, by=None, comment=""):
        """Only while nothing is dispatched; the shipments app cancels undispatched shipments with it."""

    @transition(field=fulfilment_status, source=LIVE_STATUSES, target=RETURN_VALUE(*DERIVABLE_STATUSES))
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

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="order_line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="order_line_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.product.sku} × {self.quantity}"

    @property
    def amount(self):
        return self.quantity * self.unit_price
