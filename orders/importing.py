"""Importing a store's order export (CSV or XLSX) through core.importing.

One canonical column set, one row per order line; rows with the same order no. form one order (the
order's date and recipient may be left blank on its later rows, as Shopify exports do). Each platform's
export is mapped to the canonical columns by a header map. The store is picked on the upload form and
carried in every cleaned row. Orders whose (store, order no.) exists are skipped, never changed; the
write goes through orders.services.create_orders_in_bulk, all or nothing."""

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import Product, Store
from core.import_files import ImportRefused
from core.importing import Column, Importer, ImportResult, SkipRow, register
from core.parsing import CLOCK_SKEW

from .models import Order, OrderSource
from .services import LineData, OrderData, create_orders_in_bulk

ORDER_FIELDS = ["ordered_at", "recipient_name", "recipient_phone", "recipient_address"]
LOOKUP_CHUNK = 500

COLUMNS = [
    Column("external_order_no", gettext_lazy("Order no."), aliases=["order no", "order number"]),
    Column("ordered_at", gettext_lazy("Ordered at"), aliases=["order date", "order time"]),
    Column("recipient_name", gettext_lazy("Recipient name"), aliases=["recipient"]),
    Column("recipient_phone", gettext_lazy("Recipient phone"), aliases=["phone"]),
    Column("recipient_address", gettext_lazy("Recipient address"), aliases=["address"]),
    Column("sku", gettext_lazy("SKU")),
    Column("quantity", gettext_lazy("Quantity"), aliases=["qty"]),
    Column("unit_price", gettext_lazy("Unit price"), aliases=["price"]),
]

# Each platform's export headers → canonical columns (columns not named here are ignored).
HEADER_MAPS = {
    "tmall": {
        "订单编号": "external_order_no", "订单创建时间": "ordered_at", "收货人姓名": "recipient_name",
        "联系手机": "recipient_phone", "收货地址": "recipient_address", "商家编码": "sku",
        "购买数量": "quantity", "价格": "unit_price",
    },
    "jd": {
        "订单号": "external_order_no", "下单时间": "ordered_at", "客户姓名": "recipient_name",
        "联系电话": "recipient_phone", "客户地址": "recipient_address", "商品编号": "sku",
        "订购数量": "quantity", "京东价": "unit_price",
    },
    "shopify": {
        "Name": "external_order_no", "Created at": "ordered_at", "Shipping Name": "recipient_name",
        "Shipping Phone": "recipient_phone", "Shipping Address1": "recipient_address",
        "Lineitem sku": "sku", "Lineitem quantity": "quantity", "Lineitem price": "unit_price",
    },
}
PLATFORM_LABELS = {"generic": gettext_lazy("Generic template"), "tmall": gettext_lazy("Tmall"),
                   "jd": gettext_lazy("JD"), "shopify": gettext_lazy("Shopify")}


def template_headers(platform="generic"):
    """The header row of the downloadable template for `platform` (canonical titles by default)."""
    if platform in HEADER_MAPS:
        by_column = {column: header for header, column in HEADER_MAPS[platform].items()}
        return [by_column[c.name] for c in COLUMNS]
    return [c.title for c in COLUMNS]


def parse_ordered_at(value):
    """A timezone-aware datetime from a cell: a datetime, ISO text ('2026-11-20 10:30[:00][+08:00]'),
    '2026/11/20 10:30', Shopify's '2026-11-20 10:30:00 +0800', or a date (midnight). None if unreadable."""
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, date):
        result = datetime.combine(value, time())
    else:
        text = str(value or "").strip().replace("/", "-")
        if len(text) > 6 and text[-5] in "+-" and text[-6] == " ":  # "… +0800" → "…+08:00"
            text = f"{text[:-6]}{text[-5:-2]}:{text[-2:]}"
        try:
            result = datetime.fromisoformat(text)
        except ValueError:
            result = parse_datetime(text)
        if result is None:
            return None
    if timezone.is_naive(result):
        result = timezone.make_aware(result)
    return result


@register
class OrderImporter(Importer):
    key = "orders.orders"
    verbose_name = gettext_lazy("orders")
    permission = "orders.add_order"
    columns = COLUMNS
    header_maps = HEADER_MAPS
    success_url_name = "orders:order_list"

    def __init__(self, store=None):
        self.store = store

    # ---- parse -----------------------------------------------------------------------------------
    def prepare(self, rows):
        if self.store is None:
            raise ImportRefused(_("Pick the store the orders come from."))
        numbers = sorted({str(r["external_order_no"]).strip() for r in rows if r["external_order_no"] != ""})
        skus = sorted({str(r["sku"]).strip() for r in rows if r["sku"] != ""})
        self.existing = set()
        for start in range(0, len(numbers), LOOKUP_CHUNK):
            self.existing.update(
                Order.objects.filter(store=self.store, external_order_no__in=numbers[start:start + LOOKUP_CHUNK])
                .values_list("external_order_no", flat=True)
            )
        self.products = {}
        for start in range(0, len(skus), LOOKUP_CHUNK):
            for pk, sku, active in Product.objects.filter(sku__in=skus[start:start + LOOKUP_CHUNK]).values_list(
                    "pk", "sku", "is_active"):
                self.products[sku] = (pk, active)
        self.headers = {}  # order no. → cleaned order-level values of its first row
        self.line_numbers = {}  # order no. → spreadsheet row of its first row
        self.row_number = 1

    def clean_row(self, row):
        self.row_number += 1
        errors = {}
        number, error = self.text(row["external_order_no"], max_length=64)
        if error:
            return None, {"external_order_no": error}
        if number in self.existing:
            raise SkipRow(_("order %(no)s of %(store)s already exists.") % {"no": number, "store": self.store})
        first = number not in self.headers
        if first:
            header = self.clean_order_fields(row, errors)
            self.headers[number] = header
            self.line_numbers[number] = self.row_number
        else:
            header = self.headers[number]
            for name in ORDER_FIELDS:
                given = row[name]
                if given in ("", None) or header.get(name) is None:
                    continue
                value = parse_ordered_at(given) if name == "ordered_at" else str(given).strip()
                if value != header[name]:
                    errors[name] = _("differs from the first row of order %(no)s (row %(line)s).") % {
                        "no": number, "line": self.line_numbers[number]}
        sku, error = self.text(row["sku"], max_length=60)
        product = None
        if error:
            errors["sku"] = error
        else:
            product = self.products.get(sku)
            if product is None:
                errors["sku"] = _("no product has SKU '%(sku)s'.") % {"sku": sku}
            elif not product[1]:
                errors["sku"] = _("product %(sku)s is inactive.") % {"sku": sku}
        quantity, error = self.integer(row["quantity"], minimum=1)
        if error:
            errors["quantity"] = error
        price, error = self.decimal(row["unit_price"], minimum=0, max_digits=12)
        if error:
            errors["unit_price"] = error
        if errors:
            return None, errors
        return {
            "store_id": self.store.pk, "external_order_no": number,
            "ordered_at": header["ordered_at"].isoformat(), "recipient_name": header["recipient_name"],
            "recipient_phone": header["recipient_phone"], "recipient_address": header["recipient_address"],
            "product_id": product[0], "quantity": quantity, "unit_price": str(price),
        }, {}

    def clean_order_fields(self, row, errors):
        header = {}
        ordered_at = parse_ordered_at(row["ordered_at"]) if row["ordered_at"] not in ("", None) else None
        if row["ordered_at"] in ("", None):
            errors["ordered_at"] = _("a value is required.")
        elif ordered_at is None:
            errors["ordered_at"] = _("'%(value)s' is not a date and time (e.g. 2026-11-20 10:30).") % {
                "value": row["ordered_at"]}
        elif ordered_at > timezone.now() + CLOCK_SKEW:
            errors["ordered_at"] = _("The order time cannot be in the future.")
        header["ordered_at"] = ordered_at
        for name, limit in (("recipient_name", 100), ("recipient_phone", 40), ("recipient_address", 300)):
            value, error = self.text(row[name], max_length=limit)
            if error:
                errors[name] = error
            header[name] = value
        return header

    # ---- write -----------------------------------------------------------------------------------
    def write(self, rows, actor):
        store = Store.objects.get(pk=rows[0]["store_id"])
        product_ids = sorted({r["product_id"] for r in rows})
        products = {}
        for start in range(0, len(product_ids), LOOKUP_CHUNK):
            products.update(Product.objects.in_bulk(product_ids[start:start + LOOKUP_CHUNK]))
        orders = {}
        for r in rows:
            data = orders.get(r["external_order_no"])
            if data is None:
                data = orders[r["external_order_no"]] = OrderData(
                    external_order_no=r["external_order_no"], recipient_name=r["recipient_name"],
                    recipient_phone=r["recipient_phone"], recipient_address=r["recipient_address"],
                    ordered_at=datetime.fromisoformat(r["ordered_at"]),
                )
            data.lines.append(LineData(product=products.get(r["product_id"]), quantity=r["quantity"],
                                       unit_price=r["unit_price"]))
        try:
            result = create_orders_in_bulk(store=store, orders=list(orders.values()), actor=actor,
                                           source=OrderSource.IMPORT)
        except ValidationError as exc:
            raise ImportRefused(_("Nothing was imported: %(errors)s") % {"errors": " ".join(exc.messages[:5])}) from None
        except IntegrityError:
            raise ImportRefused(_("Someone else added some of these orders meanwhile; nothing was imported. "
                                  "Upload the file again.")) from None
        imported = ImportResult(created=len(result.created), skipped=len(result.skipped))
        imported.messages = [_("%(n)s orders created.") % {"n": len(result.created)}]
        return imported
