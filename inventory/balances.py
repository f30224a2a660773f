"""The balance rows under every stock write (inventory.services): locked together in primary-key order,
created when missing, saved in one UPDATE, and the low-stock notice when a write takes a balance under
its product's threshold. Only inventory's services call these, inside their transaction."""

from collections import defaultdict

from django.db.models import F, Q

from catalog.models import Product, Warehouse

from .models import StockBalance
from .sql import update_balances


def _pairs_q(pairs):
    """Exactly these (product, warehouse) pairs: one `product_id IN (…)` per warehouse (usually one), so
    the condition does not grow with the number of lines."""
    by_warehouse = defaultdict(set)
    for product_id, warehouse_id in pairs:
        by_warehouse[warehouse_id].add(product_id)
    q = Q()
    for warehouse_id, product_ids in sorted(by_warehouse.items()):
        q |= Q(warehouse_id=warehouse_id, product_id__in=sorted(product_ids))
    return q


class Balances(dict):
    """{(product_id, warehouse_id): StockBalance}; `created` says whether missing rows were inserted."""

    created = False


def lock_balances(pairs, *, create_missing):
    """Lock the balance rows of `pairs` in pk order → {(product_id, warehouse_id): StockBalance}.

    Missing rows (create_missing) are inserted with ON CONFLICT DO NOTHING, sorted by key, then all rows
    are locked again in pk order. A concurrent creator of the same row makes the INSERT wait for its
    commit, and it cannot be waiting on us: a transaction inserts only after holding every existing row
    it needs, and both insert in the same key order. The result's `created` is True when rows were
    inserted."""
    pairs = set(pairs)
    if not pairs:
        return Balances()

    def locked():
        # The product's low-stock threshold comes along (checked after every move); product and
        # warehouse names are loaded only for a refusal or a low-stock notice (load_names).
        qs = (StockBalance.objects.filter(_pairs_q(pairs))
              .annotate(low_stock_threshold=F("product__low_stock_threshold"))
              .order_by("pk").select_for_update(of=("self",)))
        return Balances(((b.product_id, b.warehouse_id), b) for b in qs)

    balances = locked()
    missing = pairs - balances.keys()
    if missing and create_missing:
        StockBalance.objects.bulk_create(
            [StockBalance(product_id=p, warehouse_id=w) for p, w in sorted(missing)], ignore_conflicts=True
        )
        balances = locked()
        balances.created = True
    return balances


def save_balances(balances, fields):
    """One UPDATE for the locked balances: a plain one for a single row; for several, inventory.sql's
    one-statement UPDATE (bulk_update's CASE expression costs far more to build, and grows per row)."""
    if len(balances) == 1:
        (b,) = balances
        StockBalance.objects.filter(pk=b.pk).update(**{f: getattr(b, f) for f in fields})
    elif balances:
        update_balances(balances, fields)


def load_names(balances):
    """Attach product and warehouse to these balances (two queries whatever their number)."""
    products = Product.objects.in_bulk({b.product_id for b in balances})
    warehouses = Warehouse.objects.in_bulk({b.warehouse_id for b in balances})
    for b in balances:
        b.product = products[b.product_id]
        b.warehouse = warehouses[b.warehouse_id]


def notify_if_low(balances, before_available):
    """Tell warehouse staff when a balance's available quantity falls below its product's threshold
    (only on the move that crosses it). The inbox rows are written in this transaction; delivery
    happens on commit (notifications.services)."""
    crossed = [
        b for b in balances
        if b.low_stock_threshold
        and b.available < b.low_stock_threshold <= before_available.get((b.product_id, b.warehouse_id), 0)
    ]
    if not crossed:
        return
    load_names(crossed)
    from django.urls import NoReverseMatch, reverse

    from notifications.services import notify_role

    from .messages import LOW_STOCK

    try:
        list_url = reverse("inventory:balance_list")
    except NoReverseMatch:
        list_url = ""
    for b in crossed:
        notify_role(
            "warehouse", message=LOW_STOCK,
            params={"sku": b.product.sku, "warehouse": b.warehouse.name, "available": b.available,
                    "product": str(b.product), "threshold": b.product.low_stock_threshold},
            link=f"{list_url}?warehouse={b.warehouse_id}&low=1" if list_url else "",
            event="inventory.low_stock",
        )
