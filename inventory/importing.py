"""Stocktake counts from a file (CSV or XLSX) through core.importing: one row per product (SKU, counted
quantity); the warehouse and the reason are picked on the upload form. Confirming creates the stocktake
as a draft (inventory.documents.create_stocktake); posting it stays a separate, deliberate step."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import Product, Warehouse
from core.import_files import ImportRefused
from core.importing import Column, Importer, ImportResult, register

from .documents import CountData, create_stocktake

LOOKUP_CHUNK = 500


@register
class StocktakeCountImporter(Importer):
    key = "inventory.stocktake_counts"
    verbose_name = gettext_lazy("stocktake counts")
    permission = "inventory.add_stocktake"
    columns = [
        Column("sku", gettext_lazy("SKU"), aliases=["商品编码", "商家编码", "product"]),
        Column("counted", gettext_lazy("Counted quantity"), aliases=["count", "qty", "quantity", "盘点数量", "实盘数量"]),
    ]
    unique_column = "sku"
    success_url_name = "inventory:stocktake_list"

    def __init__(self, warehouse=None, reason=""):
        self.warehouse = warehouse
        self.reason = reason

    def prepare(self, rows):
        if self.warehouse is None or not self.reason:
            raise ImportRefused(_("Pick the warehouse and give the reason of the stocktake."))
        skus = sorted({str(r["sku"]).strip() for r in rows if r["sku"] not in ("", None)})
        self.products = {}
        for start in range(0, len(skus), LOOKUP_CHUNK):
            self.products.update(Product.objects.filter(sku__in=skus[start:start + LOOKUP_CHUNK])
                                 .values_list("sku", "pk"))

    def clean_row(self, row):
        errors = {}
        sku, error = self.text(row["sku"], max_length=60)
        if error:
            errors["sku"] = error
        elif sku not in self.products:
            errors["sku"] = _("no product has SKU '%(sku)s'.") % {"sku": sku}
        counted, error = self.integer(row["counted"], minimum=0)
        if error:
            errors["counted"] = error
        if errors:
            return None, errors
        return {"product_id": self.products[sku], "counted": counted, "warehouse_id": self.warehouse.pk,
                "reason": self.reason}, {}

    def write(self, rows, actor):
        warehouse = Warehouse.objects.get(pk=rows[0]["warehouse_id"])
        try:
            stocktake = create_stocktake(warehouse=warehouse, reason=rows[0]["reason"], actor=actor,
                                         counts=[CountData(r["product_id"], r["counted"]) for r in rows])
        except ValidationError as exc:
            raise ImportRefused(_("Nothing was imported: %(errors)s") % {"errors": " ".join(exc.messages)}) from None
        self.stocktake = stocktake
        result = ImportResult(created=len(rows))
        result.messages = [_("Stocktake %(number)s created as a draft (%(url)s); post it to write the "
                             "adjustments.") % {"number": stocktake.number, "url": reverse(
                                 "inventory:stocktake_detail", args=[stocktake.pk])}]
        return result
