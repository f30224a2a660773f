"""Stock 库存: balances per (product, warehouse), reservations, and the append-only stock ledger 出入库流水.

Every change of on hand goes through `inventory.services.move_stock`, which writes the balance and its
ledger row together. The ledger refuses changes three ways: the model (save/delete), the admin
(read-only), and on PostgreSQL a trigger refusing UPDATE and DELETE (migration 0002)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition

from catalog.models import Product, Supplier, Warehouse
from core.append_only import AppendOnlyModel
from core.updated_at import updated_at_field


class StockBalance(models.Model):
    """On hand and reserved per (product, warehouse); available = on hand − reserved.
    Written only by inventory.services (locked rows, fixed order)."""

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="stock_balances")
    warehouse = models.ForeignKey(Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT,
                                  related_name="stock_balances")
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    updated_at = updated_at_field()

    class Meta:
        verbose_name = _("stock balance")
        verbose_name_plural = _("stock balances")
        ordering = ["product__sku", "warehouse__name"]
        constraints = [
            models.UniqueConstraint(fields=["product", "warehouse"], name="stockbalance_product_warehouse_unique"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stockbalance_on_hand_not_negative"),
            models.CheckConstraint(condition=Q(reserved__gte=0) & Q(reserved__lte=F("on_hand")),
                                   name="stockbalance_reserved_within_on_hand"),
        ]

    def __str__(self):
        return f"{self.product} @ {self.warehouse}: {self.on_hand}/{self.reserved}"

    @property
    def available(self):
        return self.on_hand - self.reserved

    @property
    def is_low(self):
        return self.available < self.product.low_stock_threshold


class Direction(models.TextChoices):
    IN = "in", _("In")
    OUT = "out", _("Out")


class MoveKind(models.TextChoices):
    PURCHASE_RECEIPT = "purchase_receipt", _("Purchase receipt")
    DISPATCH = "dispatch", _("Dispatch")
    RETURN = "return", _("Return")
    ADJUSTMENT = "adjustment", _("Adjustment")
    TRANSFER = "transfer", _("Transfer")


class StockLedgerEntry(AppendOnlyModel):
    """One change of on hand. The sum of a (product, warehouse)'s signed quantities is its on hand."""

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="stock_ledger_entries")
    warehouse = models.ForeignKey(Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT,
                                  related_name="stock_ledger_entries")
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=MoveKind.choices)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    balance_after = models.IntegerField(_("balance after"))
    source_type = models.ForeignKey(ContentType, verbose_name=_("source type"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    source_id = models.PositiveBigIntegerField(_("source id"), null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"), on_delete=models.PROTECT,
                              null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("stock ledger entry")
        verbose_name_plural = _("stock ledger entries")
        ordering = ["-id"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["product", "warehouse", "id"], name="stockledger_pw_idx"),
            models.Index(fields=["source_type", "source_id"], name="stockledger_source_idx"),
            # The last in / out movement of a (product, warehouse): stock age and slow movers (inventory
            # analysis) read it per balance with one index probe.
            models.Index(fields=["product", "warehouse", "direction", "created_at"], name="stockledger_last_move_idx"),
            # Movements of a period (inventory analysis: by kind, over time; the stock movements list).
            models.Index(fields=["created_at"], name="stockledger_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="stockledger_quantity_positive"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="stockledger_balance_not_negative"),
            models.CheckConstraint(condition=Q(direction__in=["in", "out"]), name="stockledger_direction_valid"),
        ]

    def __str__(self):
        return f"{self.get_direction_display()} {self.quantity} × {self.product_id} @ {self.warehouse_id}"

    @property
    def signed_quantity(self):
        return self.quantity if self.direction == Direction.IN else -self.quantity


class ReservationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONSUMED = "consumed", _("Consumed")
    RELEASED = "released", _("Released")


class StockReservation(models.Model):
    """Stock held for one source document line (e.g. a company-dispatch shipment line). Not a ledger row:
    it moves `reserved`, not on hand. Consumed on dispatch (→ an out row), released on cancel."""

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="stock_reservations")
    warehouse = models.ForeignKey(Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT,
                                  related_name="stock_reservations")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    status = models.CharField(_("status"), max_length=10, choices=ReservationStatus.choices,
                              default=ReservationStatus.OPEN)
    source_type = models.ForeignKey(ContentType, verbose_name=_("source type"), on_delete=models.PROTECT,
                                    related_name="+")
    source_id = models.PositiveBigIntegerField(_("source id"))
    source = GenericForeignKey("source_type", "source_id")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reserved by"), on_delete=models.PROTECT,
                              null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("reserved at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("stock reservation")
        verbose_name_plural = _("stock reservations")
        ordering = ["-id"]
        default_permissions = ("view",)
        indexes = [models.Index(fields=["source_type", "source_id"], name="stockreservation_source_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="stockreservation_quantity_positive"),
            models.UniqueConstraint(fields=["source_type", "source_id"], condition=Q(status="open"),
                                    name="stockreservation_one_open_per_source"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.product_id} @ {self.warehouse_id} ({self.status})"


# ---- documents that move stock --------------------------------------------------------------------------

class DocumentState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    POSTED = "posted", _("Posted")


class StockDocument(models.Model):
    """Common shape of goods receipts, stocktakes and transfers: draft → posted (by warehouse)."""

    state = FSMField(_("state"), choices=DocumentState.choices, default=DocumentState.DRAFT, protected=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    updated_at = updated_at_field()

    number_prefix = "DOC"
    url_prefix = ""

    class Meta:
        abstract = True
        ordering = ["-id"]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse(f"inventory:{self.url_prefix}_detail", args=[self.pk])

    @property
    def number(self):
        return f"{self.number_prefix}-{self.pk:06d}" if self.pk else ""

    @transition(field=state, source=DocumentState.DRAFT, target=DocumentState.POSTED,
                permission=lambda document, user: user.has_perm(f"inventory.post_{document._meta.model_name}"),
                custom={"label": _("Post")})
    def post(self, *, by=None, comment=""):
        """Side effects (ledger rows, supplier entries) live in inventory.documents.post_<document>."""
        self.posted_at = timezone.now()


class GoodsReceipt(StockDocument):
    """入库单: goods bought from a supplier arrive in a warehouse. Posting writes in rows and one
    supplier account entry per line (qty × unit cost)."""

    supplier = models.ForeignKey(Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT,
                                 related_name="goods_receipts")
    warehouse = models.ForeignKey(Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT,
                                  related_name="goods_receipts")
    number_prefix = "GR"
    url_prefix = "receipt"

    class Meta(StockDocument.Meta):
        verbose_name = _("goods receipt")
        verbose_name_plural = _("goods receipts")
        permissions = [("post_goodsreceipt", _("Can post goods receipt"))]


class GoodsReceiptLine(models.Model):
    receipt = models.ForeignKey(GoodsReceipt, verbose_name=_("goods receipt"), on_delete=models.CASCADE,
                                related_name="lines")
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_cost = models.DecimalField(_("unit cost"), max_digits=12, decimal_places=2,
                                    validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("goods receipt line")
        verbose_name_plural = _("goods receipt lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="goodsreceiptline_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="goodsreceiptline_cost_not_negative"),
        ]

    def __str__(self):
        return f"{self.receipt} · {self.product_id} × {self.quantity}"

    @property
    def amount(self):
        return self.quantity * self.unit_cost


class Stocktake(StockDocument):
    """盘点: counted quantities per product in one warehouse; posting writes adjustment rows for the
    differences against on hand at that moment, with the reason."""

    warehouse = models.ForeignKey(Warehouse, verbose_name=_("warehouse"), on_delete=models.PROTECT,
                                  related_name="stocktakes")
    reason = models.CharField(_("reason"), max_length=255)
    number_prefix = "SC"
    url_prefix = "stocktake"

    class Meta(StockDocument.Meta):
        verbose_name = _("stocktake")
        verbose_name_plural = _("stocktakes")
        permissions = [("post_stocktake", _("Can post stocktake"))]


class StocktakeLine(models.Model):
    stocktake = models.ForeignKey(Stocktake, verbose_name=_("stocktake"), on_delete=models.CASCADE,
                                  related_name="lines")
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    counted = models.PositiveIntegerField(_("counted quantity"))
    # Filled in when posted: on hand at that moment (so the difference stays visible afterwards).
    on_hand_before = models.IntegerField(_("on hand before"), null=True, blank=True)

    class Meta:
        verbose_name = _("stocktake line")
        verbose_name_plural = _("stocktake lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["stocktake", "product"], name="stocktakeline_product_once"),
            models.CheckConstraint(condition=Q(counted__gte=0), name="stocktakeline_counted_not_negative"),
        ]

    def __str__(self):
        return f"{self.stocktake} · {self.product_id}: {self.counted}"

    @property
    def difference(self):
        return None if self.on_hand_before is None else self.counted - self.on_hand_before


class Transfer(StockDocument):
    """Stock moved between two warehouses: posting writes an out row and an in row per line."""

    from_warehouse = models.ForeignKey(Warehouse, verbose_name=_("from warehouse"), on_delete=models.PROTECT,
                                       related_name="transfers_out")
    to_warehouse = models.ForeignKey(Warehouse, verbose_name=_("to warehouse"), on_delete=models.PROTECT,
                                     related_name="transfers_in")
    number_prefix = "TR"
    url_prefix = "transfer"

    class Meta(StockDocument.Meta):
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        permissions = [("post_transfer", _("Can post transfer"))]
        constraints = [
            models.CheckConstraint(condition=~Q(from_warehouse=F("to_warehouse")),
                                   name="transfer_between_different_warehouses"),
        ]


class TransferLine(models.Model):
    transfer = models.ForeignKey(Transfer, verbose_name=_("transfer"), on_delete=models.CASCADE,
                                 related_name="lines")
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("transfer line")
        verbose_name_plural = _("transfer lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="transferline_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.transfer} · {self.product_id} × {self.quantity}"
