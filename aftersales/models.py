"""After-sales tickets 售后单 (DESIGN.md, "After-sales ticket").

States: registered → submitted → approved | rejected (final); for returns and exchanges
approved → awaiting_return (at once, in the approval's transaction) → return_received; then
resolved → closed. Every transition is a
django-fsm method run only by `aftersales.services` (through `core.transitions.perform`). Who may run
one is a permission named after it (accounts.roles grants the defaults); two rules sit on top of the
permission, in the transition's permission callable so the pages show only what a user may run:
approval/rejection never by the registrant (maker-checker), resolve/close/await return only by the
ticket's handler or an approver.

Notes 沟通记录 and their attachments are append-only."""

from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from core.append_only import AppendOnlyModel
from core.updated_at import updated_at_field


class TicketType(models.TextChoices):
    REFUND_ONLY = "refund_only", _("Refund only")
    RETURN_REFUND = "return_refund", _("Return and refund")
    EXCHANGE = "exchange", _("Exchange")
    RESHIP = "reship", _("Reship")
    COMPENSATION = "compensation", _("Compensation")


# Types whose goods come back (approved → awaiting return → return received → resolved).
RETURN_TYPES = (TicketType.RETURN_REFUND, TicketType.EXCHANGE)
# Types that pay the customer back: resolving records amount, date and reference.
REFUND_TYPES = (TicketType.REFUND_ONLY, TicketType.RETURN_REFUND)
# Types with an outbound shipment (purpose exchange / reship): resolved when it is dispatched.
SHIPMENT_TYPES = (TicketType.EXCHANGE, TicketType.RESHIP)
# Types that take goods back or send goods out: bounded by the returnable quantity (aftersales.returnable).
GOODS_TYPES = (TicketType.RETURN_REFUND, TicketType.EXCHANGE, TicketType.RESHIP)


class TicketState(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    AWAITING_RETURN = "awaiting_return", _("Awaiting return")
    RETURN_RECEIVED = "return_received", _("Return received")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


# Not yet resolved, closed or rejected: the order's after-sales status is "in progress".
OPEN_STATES = (TicketState.REGISTERED, TicketState.SUBMITTED, TicketState.APPROVED,
               TicketState.AWAITING_RETURN, TicketState.RETURN_RECEIVED)
DONE_STATES = (TicketState.RESOLVED, TicketState.CLOSED, TicketState.REJECTED)


class TicketReason(models.TextChoices):
    QUALITY = "quality", _("Quality problem")
    DAMAGED = "damaged", _("Damaged in transit")
    WRONG_ITEM = "wrong_item", _("Wrong item sent")
    MISSING_ITEM = "missing_item", _("Item missing")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    LATE_DELIVERY = "late_delivery", _("Late delivery")
    CHANGED_MIND = "changed_mind", _("Customer changed their mind")
    OTHER = "other", _("Other")


class ReturnDestination(models.TextChoices):
    WAREHOUSE = "warehouse", _("Our warehouse")
    MANUFACTURER = "manufacturer", _("Back to the manufacturer")


class ReceiptStatus(models.TextChoices):
    NOT_RECEIVED = "not_received", _("Not received")
    RECEIVED = "received", _("Received")


# ---- permission rules on top of the Django permissions -------------------------------------------------

def _not_the_registrant(perm):
    def check(instance, user):
        return user.has_perm(perm) and user.pk != instance.registered_by_id
    check.__name__ = f"not_registrant_{perm}"
    return check


def _handler_or_approver(perm):
    def check(instance, user):
        if not user.has_perm(perm):
            return False
        return user.pk == instance.handler_id or user.has_perm("aftersales.approve_ticket")
    check.__name__ = f"handler_or_approver_{perm}"
    return check


def _may_receive_return(instance, user):
    if instance.return_destination == ReturnDestination.MANUFACTURER:
        return user.has_perm("aftersales.receive_manufacturer_return_ticket")
    return user.has_perm("aftersales.receive_return_ticket")


def _is_return_type(instance):
    return instance.type in RETURN_TYPES


def _resolved_by_hand(instance):
    # Exchange and reship resolve when their outbound shipment is dispatched, never by hand.
    if instance.type in SHIPMENT_TYPES:
        return False
    if instance.type in RETURN_TYPES:
        return instance.state == TicketState.RETURN_RECEIVED
    return instance.state == TicketState.APPROVED


def _resolved_by_dispatch(instance):
    if instance.type == TicketType.RESHIP:
        return instance.state == TicketState.APPROVED
    if instance.type == TicketType.EXCHANGE:
        return instance.state == TicketState.RETURN_RECEIVED
    return False


class Ticket(models.Model):
    """售后单: one after-sales case of one order."""

    # Timeline labels of the audit rows of writes that move no state (core.audit).
    log_labels = {"assign": _("Handler assigned"), "edit": _("Ticket edited")}

    number = models.CharField(_("number"), max_length=20, unique=True, null=True, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=TicketType.choices)
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handler"), on_delete=models.PROTECT,
                                related_name="handled_tickets")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("registered by"),
                                      on_delete=models.PROTECT, related_name="+")
    store = models.ForeignKey("catalog.Store", verbose_name=_("store"), on_delete=models.PROTECT,
                              related_name="tickets")
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), on_delete=models.PROTECT,
                              related_name="tickets")
    supplier = models.ForeignKey("catalog.Supplier", verbose_name=_("supplier"), on_delete=models.PROTECT,
                                 related_name="tickets", null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=20, choices=TicketReason.choices)
    description = models.TextField(_("description"), blank=True)
    # return logistics
    return_carrier = models.ForeignKey("catalog.Carrier", verbose_name=_("return carrier"),
                                       on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    return_tracking_no = models.CharField(_("return tracking no."), max_length=64, blank=True)
    return_destination = models.CharField(_("return destination"), max_length=20, blank=True,
                                          choices=ReturnDestination.choices)
    return_warehouse = models.ForeignKey("catalog.Warehouse", verbose_name=_("return warehouse"),
                                         on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    charge_back = models.BooleanField(_("charge back to the supplier"), default=False)
    charge_back_amount = models.DecimalField(_("charge-back amount"), max_digits=12, decimal_places=2, default=0)
    # compensation
    compensate = models.BooleanField(_("compensate"), default=False)
    manufacturer_amount = models.DecimalField(_("manufacturer compensation"), max_digits=12, decimal_places=2,
                                              default=0)
    seller_amount = models.DecimalField(_("seller compensation"), max_digits=12, decimal_places=2, default=0)
    total_amount = models.DecimalField(_("total compensation"), max_digits=13, decimal_places=2, default=0)
    # refund (refund types, recorded on resolve)
    refund_amount = models.DecimalField(_("refund amount"), max_digits=12, decimal_places=2, null=True,
                                        blank=True)
    refund_date = models.DateField(_("refund date"), null=True, blank=True)
    refund_reference = models.CharField(_("refund reference"), max_length=100, blank=True)
    # exchange / reship: the outbound shipment (purpose exchange / reship); its dispatch resolves the ticket
    outbound_shipment = models.ForeignKey("shipments.Shipment", verbose_name=_("outbound shipment"),
                                          on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # kept by the system
    receipt_status = models.CharField(_("receipt status"), max_length=20, choices=ReceiptStatus.choices,
                                      default=ReceiptStatus.NOT_RECEIVED)
    state = FSMField(_("state"), max_length=20, choices=TicketState.choices, default=TicketState.REGISTERED,
                     protected=True)
    reject_reason = models.CharField(_("rejection reason"), max_length=300, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"),
                                    on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    updated_at = updated_at_field()
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("after-sales ticket")
        verbose_name_plural = _("after-sales tickets")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("submit_ticket", _("Can submit an after-sales ticket")),
            ("approve_ticket", _("Can approve an after-sales ticket")),
            ("reject_ticket", _("Can reject an after-sales ticket")),
            ("await_return_ticket", _("Can mark an after-sales ticket as awaiting the return")),
            ("receive_return_ticket", _("Can confirm a return received in a warehouse")),
            ("receive_manufacturer_return_ticket", _("Can confirm a return received by the manufacturer")),
            ("resolve_ticket", _("Can resolve an after-sales ticket")),
            ("close_ticket", _("Can close an after-sales ticket")),
            ("assign_ticket", _("Can assign after-sales tickets to a handler")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total_amount=F("manufacturer_amount") + F("seller_amount")),
                                   name="ticket_total_is_manufacturer_plus_seller"),
            models.CheckConstraint(condition=Q(manufacturer_amount__gte=0) & Q(seller_amount__gte=0),
                                   name="ticket_compensation_not_negative"),
            models.CheckConstraint(condition=Q(charge_back_amount__gte=0), name="ticket_charge_back_not_negative"),
            models.CheckConstraint(condition=Q(refund_amount__isnull=True) | Q(refund_amount__gte=0),
                                   name="ticket_refund_not_negative"),
            models.CheckConstraint(
                condition=~Q(return_destination=ReturnDestination.WAREHOUSE) | Q(return_warehouse__isnull=False),
                name="ticket_warehouse_destination_names_warehouse"),
        ]
        indexes = [
            models.Index(fields=["state", "created_at"], name="ticket_state_created_idx"),
            models.Index(fields=["handler", "state"], name="ticket_handler_state_idx"),
        ]

    def __str__(self):
        return self.number or f"AS-{self.pk or 'new'}"

    def get_absolute_url(self):
        return reverse("aftersales:ticket_detail", args=[self.pk])

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    @property
    def is_overdue(self):
        from datetime import timedelta
        return self.is_open and self.created_at < timezone.now() - timedelta(days=settings.AFTERSALES_SLA_DAYS)

    @property
    def age_days(self):
        return (timezone.now() - self.created_at).days

    @property
    def is_return_type(self):
        return self.type in RETURN_TYPES

    @property
    def is_refund_type(self):
        return self.type in REFUND_TYPES

    @property
    def is_shipment_type(self):
        return self.type in SHIPMENT_TYPES

    # ---- transitions (run only by aftersales.services) ------------------------------------------
    @transition(field=state, source=TicketState.REGISTERED, target=TicketState.SUBMITTED,
                permission="aftersales.submit_ticket", custom={"label": _("Submit")})
    def submit(self, *, by=None, comment=""):
        pass

    @transition(field=state, source=TicketState.SUBMITTED, target=TicketState.APPROVED,
                permission=_not_the_registrant("aftersales.approve_ticket"), custom={"label": _("Approve")})
    def approve(self, *, by=None, comment=""):
        self.approved_by = by

    @transition(field=state, source=TicketState.SUBMITTED, target=TicketState.REJECTED,
                permission=_not_the_registrant("aftersales.reject_ticket"), custom={"label": _("Reject")})
    def reject(self, *, by=None, comment=""):
        self.reject_reason = comment[:300]

    @transition(field=state, source=TicketState.APPROVED, target=TicketState.AWAITING_RETURN,
                conditions=[_is_return_type], permission=_handler_or_approver("aftersales.await_return_ticket"),
                custom={"label": _("Mark awaiting return")})
    def await_return(self, *, by=None, comment=""):
        pass

    @transition(field=state, source=TicketState.APPROVED, target=TicketState.AWAITING_RETURN,
                conditions=[_is_return_type], custom={"label": _("Awaiting the return")})
    def expect_return(self, *, by=None, comment=""):
        """Run by the system in the approval's transaction (aftersales.services.approve_ticket): a
        return or exchange waits for its goods as soon as it is approved."""

    @transition(field=state, source=TicketState.AWAITING_RETURN, target=TicketState.RETURN_RECEIVED,
                permission=_may_receive_return, custom={"label": _("Confirm return received")})
    def receive_return(self, *, by=None, comment=""):
        self.receipt_status = ReceiptStatus.RECEIVED

    @transition(field=state, source=[TicketState.APPROVED, TicketState.RETURN_RECEIVED],
                target=TicketState.RESOLVED, conditions=[_resolved_by_hand],
                permission=_handler_or_approver("aftersales.resolve_ticket"), custom={"label": _("Resolve")})
    def resolve(self, *, by=None, comment="", refund_amount=None, refund_date=None, refund_reference=""):
        self.refund_amount = refund_amount
        self.refund_date = refund_date
        self.refund_reference = refund_reference
        self.resolved_at = timezone.now()

    @transition(field=state, source=[TicketState.APPROVED, TicketState.RETURN_RECEIVED],
                target=TicketState.RESOLVED, conditions=[_resolved_by_dispatch],
                custom={"label": _("Resolved by the dispatch of its shipment")})
    def resolve_by_dispatch(self, *, by=None, comment=""):
        """Run by the system (aftersales.receivers) when the outbound shipment is dispatched."""
        self.resolved_at = timezone.now()

    @transition(field=state, source=TicketState.RESOLVED, target=TicketState.CLOSED,
                permission=_handler_or_approver("aftersales.close_ticket"), custom={"label": _("Close")})
    def close(self, *, by=None, comment=""):
        pass


# The transitions a person may run from the pages and the API, in the order the buttons show.
USER_TRANSITIONS = ("submit", "approve", "reject", "await_return", "receive_return", "resolve", "close")


class TicketLine(models.Model):
    """A line of the order that the ticket is about, with the quantity concerned (≤ ordered)."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey("orders.OrderLine", verbose_name=_("order line"), on_delete=models.PROTECT,
                                   related_name="ticket_lines")
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("ticket line")
        verbose_name_plural = _("ticket lines")
        ordering = ["ticket_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="ticketline_quantity_positive"),
            models.UniqueConstraint(fields=["ticket", "order_line"], name="ticketline_once_per_order_line"),
        ]

    def __str__(self):
        return f"{self.ticket} · {self.order_line_id} × {self.quantity}"


class NoteChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat")
    EMAIL = "email", _("E-mail")
    OTHER = "other", _("Other")


class TicketNote(AppendOnlyModel):
    """沟通记录: one contact with the customer (or supplier), written once."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.PROTECT, related_name="notes")
    text = models.TextField(_("text"))
    channel = models.CharField(_("channel"), max_length=10, choices=NoteChannel.choices, default=NoteChannel.PHONE)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
                               related_name="+")
    # Meant for the ticket's supplier too: shown in its portal (with its attachments). A supplier's own
    # reply always is.
    visible_to_supplier = models.BooleanField(_("visible to the supplier"), default=False)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        verbose_name = _("ticket note")
        verbose_name_plural = _("ticket notes")
        ordering = ["created_at", "id"]
        default_permissions = ("view", "add")

    def __str__(self):
        return f"{self.ticket} · {self.created_at:%Y-%m-%d %H:%M}"


def attachment_path(instance, filename):
    return f"aftersales/{instance.note.ticket_id}/{timezone.now():%Y%m%d%H%M%S}-{Path(filename).name}"


class TicketAttachment(AppendOnlyModel):
    """A file kept with a note (photo of the damage, chat screenshot, courier receipt …)."""

    note = models.ForeignKey(TicketNote, verbose_name=_("note"), on_delete=models.PROTECT,
                             related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size"))
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("ticket attachment")
        verbose_name_plural = _("ticket attachments")
        ordering = ["id"]
        default_permissions = ("view",)

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("aftersales:attachment", args=[self.pk])
