"""Master-data imports through core.importing. Products: an existing SKU is skipped, never changed."""

import re
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.importing import Column, Importer, ImportResult, SkipRow, register

from .models import Product, Supplier

SKU_MAX = Product._meta.get_field("sku").max_length
NAME_MAX = Product._meta.get_field("name").max_length


@register
class ProductImporter(Importer):
    key = "catalog.products"
    verbose_name = gettext_lazy("products")
    permission = "catalog.add_product"
    success_url_name = "catalog:product_list"
    unique_column = "sku"
    columns = [
        Column("sku", gettext_lazy("SKU"), aliases=["商品编码", "产品编码", "货号", "商家编码"]),
        Column("name", gettext_lazy("name"), aliases=["product name", "名称", "产品名称", "商品名称"]),
        Column("supplier_code", gettext_lazy("supplier code"), aliases=["supplier", "供应商编码", "供应商"]),
        Column("unit_cost", gettext_lazy("unit cost"),
               aliases=["supplier unit cost", "cost", "供应商单价", "成本", "进价"]),
        Column("list_price", gettext_lazy("list price"), aliases=["price", "标价", "售价", "价格"]),
        Column("low_stock_threshold", gettext_lazy("low-stock threshold"), required=False,
               aliases=["low stock", "threshold", "低库存阈值", "安全库存"]),
    ]

    def prepare(self, rows):
        skus = {str(r["sku"]).strip() for r in rows if r["sku"] not in ("", None)}
        self.existing = set()
        skus = list(skus)
        for start in range(0, len(skus), 5000):  # stays under SQLite's parameter limit
            self.existing.update(Product.objects.filter(sku__in=skus[start:start + 5000]).values_list("sku", flat=True))
        self.suppliers = {code.lower(): (pk, active) for pk, code, active
                          in Supplier.objects.values_list("pk", "code", "is_active")}

    def clean_row(self, row):
        errors = {}
        sku, error = self.text(row["sku"], max_length=SKU_MAX)
        if error:
            errors["sku"] = error
        elif re.search(r"\s", sku):
            errors["sku"] = _("'%(value)s' has a space; a SKU has no spaces.") % {"value": sku}
        name, error = self.text(row["name"], max_length=NAME_MAX)
        if error:
            errors["name"] = error
        code, error = self.text(row["supplier_code"])
        supplier_id = None
        if error:
            errors["supplier_code"] = error
        else:
            found = self.suppliers.get(code.lower())
            if found is None:
                errors["supplier_code"] = _("no supplier has the code '%(value)s'.") % {"value": code}
            elif not found[1]:
                errors["supplier_code"] = _("the supplier '%(value)s' is inactive.") % {"value": code}
            else:
                supplier_id = found[0]
        cost, error = self.decimal(row["unit_cost"], minimum=Decimal("0"))
        if error:
            errors["unit_cost"] = error
        price, error = self.decimal(row["list_price"], minimum=Decimal("0"))
        if error:
            errors["list_price"] = error
        threshold, error = self.integer(row["low_stock_threshold"], minimum=0, required=False, default=0)
        if error:
            errors["low_stock_threshold"] = error
        if errors:
            return None, errors
        if sku in self.existing:
            raise SkipRow(_("SKU %(sku)s already exists; it is left unchanged.") % {"sku": sku})
        return {"sku": sku, "name": name, "supplier_id": supplier_id, "unit_cost": cost,
                "list_price": price, "low_stock_threshold": threshold}, {}

    def write(self, rows, actor):
        """Create the products; a SKU created by someone else since the preview is skipped too."""
        skus = [r["sku"] for r in rows]
        existing = set()
        for start in range(0, len(skus), 5000):
            existing.update(Product.objects.filter(sku__in=skus[start:start + 5000]).values_list("sku", flat=True))
        new = [
            Product(sku=r["sku"], name=r["name"], default_supplier_id=r["supplier_id"],
                    supplier_unit_cost=Decimal(r["unit_cost"]), list_price=Decimal(r["list_price"]),
                    low_stock_threshold=r["low_stock_threshold"])
            for r in rows if r["sku"] not in existing
        ]
        Product.objects.bulk_create(new, batch_size=1000)
        return ImportResult(created=len(new), skipped=len(rows) - len(new))
