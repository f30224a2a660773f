"""Shipments 发货单 (DESIGN.md, "Shipment"): drop-ship 厂家发货 and company dispatch 公司发货.

The state is a protected django-fsm field; every transition is run by a function of
the shipments services (entry, approval, dispatching, cancelling) through `core.transitions.perform`, which checks the permission named after the
transition (`shipments.<transition>_shipment`). Two rules live in the permission checks themselves, so
pages (buttons offered) and the API (403) see them too:
- maker-checker: whoever entered a shipment may never approve or reject it;
- cancel: `cancel_shipment` before approval (sales), `cancel_approved_shipment` after (approver).
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from core.parsing import parse_id
from core.updated_at import updated_at_field


class ShipmentKind(models.TextChoices):
    DROP_SHIP = "drop_ship", _("Drop-ship")
    COMPANY_DISPATCH = "company_dispatch", _("Company dispatch")


class ShipmentPurpose(models.TextChoices):
    SALE = "sale", _("Sale")
    EXCHANGE = "exchange", _("Exchange")
    RESHIP = "reship", _("Reship")


class ShipmentState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PICKING = "picking", _("Picking")
    DISPATCHED = "dispatched", _("Dispatched")
    DELIVERED = "delivered", _("Delivered")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


S = ShipmentState
# "Approval pending" = draft or submitted (DESIGN.md: no second status field).
AWAITING_APPROVAL = (S.DRAFT, S.SUBMITTED)
BEFORE_APPROVAL = (S.DRAFT, S.SUBMITTED, S.REJECTED)
APPROVED_NOT_DISPATCHED = (S.APPROVED, S.PICKING)
CANCELLABLE = (*BEFORE_APPROVAL, *APPROVED_NOT_DISPATCHED)
# Units on shipments in these states count against an order line's open quantity.
HOLDING_UNITS = (S.DRAFT, S.SUBMITTED, S.APPROVED, S.PICKING, S.DISPATCHED, S.DELIVERED, S.RECEIVED)
DISPATCHED_OR_LATER = (S.DISPATCHED, S.DELIVERED, S.RECEIVED)
DELIVERED_OR_LATER = (S.DELIVERED, S.RECEIVED)


def _not_own_entry(permission):
    def check(instance, user):
        return user.has_perm(permission) and instance.entered_by_id != getattr(user, "pk", None)
    check.__name__ = f"{permission.split('.')[-1]}_not_own_entry"
    return check


def _may_cancel(instance, user):
    if instance.state in APPROVED_NOT_DISPATCHED:
        return user.has_perm("shipments.cancel_approved_shipment")
    return user.has_perm("shipments.cancel_shipment")


def _is_company_dispatch(instance):
    return instance.kind == ShipmentKind.COMPANY_DISPATCH


def _is_drop_ship(instance):
    return instance.kind == ShipmentKind.DROP_SHIP


def _is_sale(instance):
    """Only a sale shipment goes back to draft: a rejected exchange/reship shipment is replaced through
    its after-sales ticket (which cancels it), never reopened (DESIGN.md, "Shipment")."""
    return instance.purpose == ShipmentPurpose.SALE


class Shipment(models.Model):
    """One shipment against an order: a drop-ship (supplier ships) or a company dispatch (own stock)."""

    # Timeline labels of audit rows written by shipments.deadline_notices (core.audit).
    log_labels = {"deadline_at_risk": _("Dispatch deadline: at risk (notified)"),
                  "deadline_overdue": _("Dispatch deadline: overdue (notified)"),
                  "remind_supplier": _("Supplier reminded")}

    order = models.ForeignKey("orders.Order", verbose_name=_("order"), on_delete=models.PROTECT,
                              related_name="shipments")
    kind = models.CharField(_("kind"), max_length=20, choices=ShipmentKind.choices)
    purpose = models.CharField(_("purpose"), max_length=10, choices=ShipmentPurpose.choices,
                               default=ShipmentPurpose.SALE)
    # exchange / reship: the id of the after-sales ticket it serves (a plain integer: shipments never
    # imports aftersales). At most one shipment per ticket that is not cancelled (the database says so).
    ticket_ref = models.PositiveBigIntegerField(_("after-sales ticket"), null=True, blank=True, editable=False)
    supplier = models.ForeignKey("catalog.Supplier", verbose_name=_("supplier"), on_delete=models.PROTECT,
                                 related_name="shipments", null=True, blank=True)
    warehouse = models.ForeignKey("catalog.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT,
                                  related_name="shipments", null=True, blank=True)
    freight = models.DecimalField(_("freight"), max_digits=12, decimal_places=2, default=0,
                                  validators=[MinValueValidator(0)])
    carrier = models.ForeignKey("catalog.Carrier", verbose_name=_("carrier"), on_delete=models.PROTECT,
                                related_name="shipments", null=True, blank=True)
    tracking_number = models.CharField(_("tracking no."), max_length=64, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"),
                                   on_delete=models.PROTECT, related_name="+")
    entry_date = models.DateField(_("entry date"), default=timezone.localdate)
    state = FSMField(_("state"), max_length=20, choices=ShipmentState.choices, default=ShipmentState.DRAFT,
                     protected=True)
    rejection_reason = models.CharField(_("rejection reason"), max_length=300, blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=300, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"),
                                    on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = updated_at_field()
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)

    number_prefix = "SH"

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-id"]
        permissions = [
            ("submit_shipment", _("Can submit a shipment")),
            ("approve_shipment", _("Can approve a shipment (never one's own entry)")),
            ("reject_shipment", _("Can reject a shipment (never one's own entry)")),
            ("reopen_shipment", _("Can take a rejected shipment back to draft")),
            ("start_picking_shipment", _("Can start picking a company dispatch")),
            ("dispatch_shipment", _("Can dispatch a company dispatch")),
            ("dispatch_dropship_shipment", _("Can dispatch a drop-ship (carrier and tracking no.)")),
            ("mark_delivered_shipment", _("Can mark a shipment delivered")),
            ("mark_received_shipment", _("Can mark a shipment received")),
            ("cancel_shipment", _("Can cancel a shipment before approval")),
            ("cancel_approved_shipment", _("Can cancel an approved shipment before dispatch")),
        ]
        indexes = [
            models.Index(fields=["state", "-id"], name="shipment_state_idx"),
            models.Index(fields=["kind", "state"], name="shipment_kind_state_idx"),
            models.Index(fields=["supplier", "state"], name="shipment_supplier_state_idx"),
            models.Index(fields=["warehouse", "state"], name="shipment_warehouse_state_idx"),
            models.Index(fields=["entry_date"], name="shipment_entry_date_idx"),
            # the report dashboards read the shipments dispatched in a period
            models.Index(fields=["dispatched_at"], name="shipment_dispatched_at_idx"),
            # carrier and platform webhooks find a shipment by its tracking number
            models.Index(fields=["tracking_number", "carrier"], name="shipment_tracking_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(freight__gte=0), name="shipment_freight_not_negative"),
            models.CheckConstraint(condition=Q(kind__in=ShipmentKind.values), name="shipment_kind_valid"),
            models.CheckConstraint(condition=Q(purpose__in=ShipmentPurpose.values), name="shipment_purpose_valid"),
            # only an exchange/reship shipment serves a ticket; a ticket has at most one live outbound
            # shipment — a rejected one counts until its replacement cancels it, so two can never both ship
            models.CheckConstraint(condition=Q(ticket_ref__isnull=True) | ~Q(purpose=ShipmentPurpose.SALE),
                                   name="shipment_ticket_ref_not_on_sale"),
            models.UniqueConstraint(fields=["ticket_ref"], condition=Q(ticket_ref__isnull=False)
                                    & ~Q(state=ShipmentState.CANCELLED), name="shipment_one_live_per_ticket"),
            models.CheckConstraint(
                condition=(Q(kind=ShipmentKind.DROP_SHIP, supplier__isnull=False, warehouse__isnull=True)
                           | Q(kind=ShipmentKind.COMPANY_DISPATCH, warehouse__isnull=False,
                               supplier__isnull=True)),
                name="shipment_kind_fields",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=DISPATCHED_OR_LATER) | (Q(carrier__isnull=False) & ~Q(tracking_number="")),
                name="shipment_dispatched_has_tracking",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("shipments:shipment_detail", args=[self.pk])

    @property
    def number(self):
        return f"{self.number_prefix}{self.pk:07d}" if self.pk else ""

    @classmethod
    def pk_from_number(cls, number):
        """`SH0000123` (or `123`) → 123; None when it is not a shipment number."""
        text = str(number or "").strip().upper()
        if text.startswith(cls.number_prefix):
            text = text[len(cls.number_prefix):]
        return parse_id(text)

    @property
    def is_drop_ship(self):
        return self.kind == ShipmentKind.DROP_SHIP

    @property
    def awaiting_approval(self):
        return self.state in AWAITING_APPROVAL

    @property
    def tracking_url(self):
        if self.carrier_id and self.tracking_number:
            return self.carrier.tracking_url(self.tracking_number)
        return ""

    # ---- transitions (run by the shipments services only; side effects live there) --------------------
    @transition(field=state, source=S.DRAFT, target=S.SUBMITTED, permission="shipments.submit_shipment",
                custom={"label": _("Submit")})
    def submit(self, *, by=None, comment=""):
        pass

    @transition(field=state, source=S.SUBMITTED, target=S.APPROVED,
                permission=_not_own_entry("shipments.approve_shipment"), custom={"label": _("Approve")})
    def approve(self, *, by=None, comment=""):
        self.approved_by = by
        self.approved_at = timezone.now()

    @transition(field=state, source=S.SUBMITTED, target=S.REJECTED,
                permission=_not_own_entry("shipments.reject_shipment"), custom={"label": _("Reject")})
    def reject(self, *, by=None, comment=""):
        self.rejection_reason = comment[:300]

    @transition(field=state, source=S.REJECTED, target=S.DRAFT, conditions=[_is_sale],
                permission="shipments.reopen_shipment", custom={"label": _("Back to draft")})
    def reopen(self, *, by=None, comment=""):
        pass

    @transition(field=state, source=S.APPROVED, target=S.PICKING, conditions=[_is_company_dispatch],
                permission="shipments.start_picking_shipment", custom={"label": _("Start picking")})
    def start_picking(self, *, by=None, comment=""):
        pass

    @transition(field=state, source=S.PICKING, target=S.DISPATCHED, conditions=[_is_company_dispatch],
                permission="shipments.dispatch_shipment", custom={"label": _("Dispatch")})
    def dispatch(self, *, by=None, comment="", carrier=None, tracking_number="", at=None):
        self.carrier = carrier
        self.tracking_number = tracking_number
        self.dispatched_at = at or timezone.now()

    @transition(field=state, source=S.APPROVED, target=S.DISPATCHED, conditions=[_is_drop_ship],
                permission="shipments.dispatch_dropship_shipment", custom={"label": _("Dispatch")})
    def dispatch_dropship(self, *, by=None, comment="", carrier=None, tracking_number="", at=None):
        self.carrier = carrier
        self.tracking_number = tracking_number
        self.dispatched_at = at or timezone.now()

    @transition(field=state, source=S.DISPATCHED, target=S.DELIVERED,
                permission="shipments.mark_delivered_shipment", custom={"label": _("Mark delivered")})
    def mark_delivered(self, *, by=None, comment="", at=None):
        self.delivered_at = at or timezone.now()

    @transition(field=state, source=S.DELIVERED, target=S.RECEIVED,
                permission="shipments.mark_received_shipment", custom={"label": _("Mark received")})
    def mark_received(self, *, by=None, comment="", at=None):
        self.received_at = at or timezone.now()

    @transition(field=state, source=list(CANCELLABLE), target=S.CANCELLED, permission=_may_cancel,
                custom={"label": _("Cancel")})
    def cancel(self, *, by=None, comment=""):
        self.cancel_reason = comment[:300]


class ShipmentLine(models.Model):
    """Units of one order line on a shipment; drop-ship lines carry the agreed supplier unit price."""

    shipment = models.ForeignKey(Shipment, verbose_name=_("shipment"), on_delete=models.CASCADE,
                                 related_name="lines")
    order_line = models.ForeignKey("orders.OrderLine", verbose_name=_("order line"), on_delete=models.PROTECT,
                                   related_name="shipment_lines")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    supplier_unit_price = models.DecimalField(_("supplier unit price"), max_digits=12, decimal_places=2,
                                              null=True, blank=True, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        ordering = ["shipment_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shipmentline_quantity_positive"),
            models.CheckConstraint(condition=Q(supplier_unit_price__isnull=True) | Q(supplier_unit_price__gte=0),
                                   name="shipmentline_price_not_negative"),
            models.UniqueConstraint(fields=["shipment", "order_line"], name="shipmentline_one_per_order_line"),
        ]

    def __str__(self):
        return f"{self.shipment} · {self.order_line_id} × {self.quantity}"

    @property
    def goods_amount(self):
        return self.quantity * (self.supplier_unit_price or 0)


class DeadlineDocument(models.TextChoices):
    ORDER = "order", _("Order")
    SHIPMENT = "shipment", _("Shipment")


class DeadlineNotice(models.Model):
    """That the people responsible were told a document became at risk or overdue (shipments.
    deadline_notices). Written in the transaction of the notifications; its unique key makes each
    (document, level) notice go out once, however often or concurrently the periodic task runs."""

    document = models.CharField(_("document"), max_length=10, choices=DeadlineDocument.choices)
    document_id = models.PositiveBigIntegerField(_("document id"))
    level = models.CharField(_("level"), max_length=10, choices=[("at_risk", _("At risk")),
                                                                 ("overdue", _("Overdue"))])
    dispatch_by = models.DateTimeField(_("dispatch by"))
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("dispatch deadline notice")
        verbose_name_plural = _("dispatch deadline notices")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["document", "level", "document_id"], name="deadline_notice_once"),
        ]

    def __str__(self):
        return f"{self.document} {self.document_id} · {self.level}"


class ShipmentDaySummary(models.Model):
    """Units dispatched per local day × store × supplier (drop-ship) or warehouse (company dispatch) ×
    product × kind: the report dashboards' "dispatched units" without reading every shipment line.

    Written only by shipments.summary: `record_dispatched` in the dispatch's own transaction (a shipment
    reaches "dispatched" once and never leaves dispatched-or-later, so adding at dispatch is the whole
    story), `rebuild` from the lines (manage.py rebuild_summaries). Measured need: benchmarks/reports.py."""

    day = models.DateField(_("day"))
    store = models.ForeignKey("catalog.Store", verbose_name=_("store"), on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey("catalog.Supplier", verbose_name=_("supplier"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+")
    warehouse = models.ForeignKey("catalog.Warehouse", verbose_name=_("warehouse"), on_delete=models.PROTECT,
                                  null=True, blank=True, related_name="+")
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=ShipmentKind.choices)
    lines = models.PositiveIntegerField(_("lines"), default=0)
    units = models.PositiveIntegerField(_("units"), default=0)

    class Meta:
        verbose_name = _("daily shipment summary")
        verbose_name_plural = _("daily shipment summaries")
        ordering = ["day", "id"]
        default_permissions = ("view",)
        indexes = [models.Index(fields=["day", "store"], name="shipsummary_day_store_idx")]
        constraints = [
            # one row per key; supplier or warehouse is empty by kind, so each kind has its own key
            models.UniqueConstraint(fields=["day", "store", "supplier", "product"],
                                    condition=Q(kind=ShipmentKind.DROP_SHIP), name="shipsummary_drop_ship_key"),
            models.UniqueConstraint(fields=["day", "store", "warehouse", "product"],
                                    condition=Q(kind=ShipmentKind.COMPANY_DISPATCH),
                                    name="shipsummary_company_dispatch_key"),
        ]

    def __str__(self):
        return f"{self.day} · {self.store_id} · {self.product_id}: {self.units}"
