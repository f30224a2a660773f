"""Every write to stock. One function, `move_stock`, changes on hand and writes its ledger rows; the
reservation functions move `reserved` and, on dispatch, hand their quantities to `move_stock`.

Concurrency: the balance rows a call touches are locked together, in primary-key order
(`order_by("pk").select_for_update()`), before anything is checked or written, so two calls touching
the same balances serialise and two multi-line calls cannot deadlock. Checks happen under the lock; the
database's CHECK constraints (on hand ≥ 0, 0 ≤ reserved ≤ on hand) are the backstop.

The balance rows themselves (locking, creating, saving, the low-stock notice) are in inventory/balances.py.

Queries for a move whose balance rows exist: 3 whatever the number of lines (lock, one UPDATE, one
INSERT of the ledger rows). A missing balance row costs two more, once.

Transactions: each function runs in `transaction.atomic(savepoint=False)` — its own transaction when
called alone, and no savepoint inside a caller's (every caller lets a failure end its transaction; the
caller's service block holds the savepoint where one is wanted). The refusals found under the lock before
anything is written (InsufficientStock, InvalidMove) are raised after the block, so they never leave the
caller's transaction marked for rollback; a failure after a write does, as it must."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product, Warehouse

from .balances import load_names, lock_balances, notify_if_low, save_balances
from .models import (
    Direction,
    MoveKind,
    ReservationStatus,
    StockLedgerEntry,
    StockReservation,
)

# ---- errors ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shortfall:
    """One line that cannot be served: `requested` units wanted, only `available` there."""

    product_id: int
    warehouse_id: int
    requested: int
    available: int
    sku: str = ""
    warehouse_name: str = ""

    @property
    def short(self):
        return self.requested - self.available

    def __str__(self):
        return _("%(sku)s in %(warehouse)s: %(requested)s wanted, %(available)s available (short %(short)s)") % {
            "sku": self.sku or self.product_id, "warehouse": self.warehouse_name or self.warehouse_id,
            "requested": self.requested, "available": self.available, "short": self.short,
        }


class StockError(Exception):
    """Base class of the clear, user-facing stock errors."""


class InsufficientStock(StockError):
    """Raised, writing nothing, when a move or reservation asks for more than is available.
    `shortfalls` lists every short line (product, warehouse, requested, available, short)."""

    def __init__(self, shortfalls: Sequence[Shortfall], *, what=None):
        self.shortfalls = list(shortfalls)
        what = what or _("Not enough stock")
        super().__init__(f"{what}: " + "; ".join(str(s) for s in self.shortfalls))


class InvalidMove(StockError):
    pass


# ---- moves -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StockMove:
    """One line of a move. `source` is the document (or line) the ledger row links to.
    `from_reserved=True` (out only): the units leave reserved stock too (a reservation consumed)."""

    product_id: int
    warehouse_id: int
    direction: str
    quantity: int
    kind: str
    source: models.Model | None = None
    reason: str = ""
    from_reserved: bool = False


@dataclass
class _Effect:
    on_hand: int = 0
    reserved: int = 0
    wanted_in: int = 0
    wanted_out: int = 0          # units leaving unreserved stock
    wanted_out_reserved: int = 0  # units leaving reserved stock


def _names_for(shortfalls):
    """Fill SKU and warehouse names into shortfalls (error path only)."""
    skus = dict(Product.objects.filter(pk__in={s.product_id for s in shortfalls}).values_list("pk", "sku"))
    names = dict(Warehouse.objects.filter(pk__in={s.warehouse_id for s in shortfalls}).values_list("pk", "name"))
    return [
        Shortfall(s.product_id, s.warehouse_id, s.requested, s.available,
                  sku=skus.get(s.product_id, ""), warehouse_name=names.get(s.warehouse_id, ""))
        for s in shortfalls
    ]


def _validate(moves):
    for move in moves:
        if not isinstance(move.quantity, int) or isinstance(move.quantity, bool) or move.quantity <= 0:
            raise InvalidMove(_("Quantities must be whole numbers greater than zero (got %(q)r).")
                              % {"q": move.quantity})
        if move.direction not in Direction.values:
            raise InvalidMove(_("Unknown direction %(d)r.") % {"d": move.direction})
        if move.kind not in MoveKind.values:
            raise InvalidMove(_("Unknown kind of move %(k)r.") % {"k": move.kind})
        if move.from_reserved and move.direction != Direction.OUT:
            raise InvalidMove(_("Only an out move can take reserved stock."))


def _source_fields(source):
    if source is None:
        return {"source_type": None, "source_id": None}
    return {"source_type": ContentType.objects.get_for_model(source), "source_id": source.pk}


def move_stock(*, moves: Sequence[StockMove], actor=None) -> list[StockLedgerEntry]:
    """Apply `moves` atomically: lock every balance they touch (pk order), check, then update the
    balances and append one ledger row per line with the balance after it. Raises InsufficientStock
    (with every short line) or InvalidMove, writing nothing. Returns the ledger rows, in line order."""
    moves = list(moves)
    if not moves:
        return []
    _validate(moves)
    refusal = None
    with transaction.atomic(savepoint=False):
        balances = lock_balances({(m.product_id, m.warehouse_id) for m in moves}, create_missing=True)
        refusal = _check_moves(moves, balances)
        if refusal is not None and balances.created:
            raise refusal  # rows were inserted: the refusal ends the transaction (they roll back)
        if refusal is None:
            rows = _apply_moves(moves, balances, actor)
    if refusal is not None:
        raise refusal  # nothing written: the caller's transaction stays usable
    return rows


def _check_moves(moves, balances):
    """The refusal (InsufficientStock / InvalidMove) of `moves` against the locked balances, or None."""
    effects = _effects(moves)
    short, over_reserved = [], []
    for key, e in effects.items():
        b = balances[key]
        # In-moves of the same call count: checks are on the end state of each balance.
        if e.wanted_out and b.on_hand + e.on_hand < b.reserved + e.reserved:
            short.append((b, e))
        if e.wanted_out_reserved and b.reserved < e.wanted_out_reserved:
            over_reserved.append((b, e))
    if not short and not over_reserved:
        return None
    load_names([b for b, _e in short + over_reserved])
    if over_reserved:
        b, e = over_reserved[0]
        return InvalidMove(
            _("%(sku)s in %(warehouse)s: %(q)s reserved units to take, only %(r)s reserved.")
            % {"sku": b.product.sku, "warehouse": b.warehouse.name, "q": e.wanted_out_reserved, "r": b.reserved}
        )
    return InsufficientStock([
        Shortfall(b.product_id, b.warehouse_id, e.wanted_out, b.available + e.wanted_in,
                  sku=b.product.sku, warehouse_name=b.warehouse.name)
        for b, e in short
    ])


def _effects(moves):
    effects = defaultdict(_Effect)
    for m in moves:
        e = effects[(m.product_id, m.warehouse_id)]
        if m.direction == Direction.IN:
            e.on_hand += m.quantity
            e.wanted_in += m.quantity
        elif m.from_reserved:
            e.on_hand -= m.quantity
            e.reserved -= m.quantity
            e.wanted_out_reserved += m.quantity
        else:
            e.on_hand -= m.quantity
            e.wanted_out += m.quantity
    return effects


def _apply_moves(moves, balances, actor):
    """Update the locked balances and append the ledger rows (checks passed)."""
    touched_keys = list(dict.fromkeys((m.product_id, m.warehouse_id) for m in moves))
    before_available = {key: b.available for key, b in balances.items()}
    now = timezone.now()
    rows = []
    for m in moves:
        b = balances[(m.product_id, m.warehouse_id)]
        if m.direction == Direction.IN:
            b.on_hand += m.quantity
        else:
            b.on_hand -= m.quantity
            if m.from_reserved:
                b.reserved -= m.quantity
        rows.append(StockLedgerEntry(
            product_id=m.product_id, warehouse_id=m.warehouse_id, direction=m.direction, kind=m.kind,
            quantity=m.quantity, balance_after=b.on_hand, reason=m.reason[:255], actor=actor,
            created_at=now, **_source_fields(m.source),
        ))
    touched = [balances[key] for key in touched_keys]
    save_balances(touched, ["on_hand", "reserved"])
    StockLedgerEntry.objects.bulk_create(rows)
    notify_if_low(touched, before_available)
    return rows


# ---- reservations ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReservationRequest:
    """Reserve `quantity` of a product in a warehouse for `source` (a document line)."""

    product_id: int
    warehouse_id: int
    quantity: int
    source: models.Model = field(compare=False)


def reserve(*, requests: Sequence[ReservationRequest], actor=None) -> list[StockReservation]:
    """Reserve stock for document lines, all or nothing. Raises InsufficientStock listing the shortfall
    of every line whose available quantity is short. One open reservation per source line."""
    requests = list(requests)
    for r in requests:
        if not isinstance(r.quantity, int) or r.quantity <= 0:
            raise InvalidMove(_("Quantities must be whole numbers greater than zero (got %(q)r).")
                              % {"q": r.quantity})
    if not requests:
        return []
    shortfalls = []
    with transaction.atomic(savepoint=False):
        balances = lock_balances({(r.product_id, r.warehouse_id) for r in requests}, create_missing=False)
        wanted = defaultdict(int)
        for r in requests:
            wanted[(r.product_id, r.warehouse_id)] += r.quantity
        for key, quantity in wanted.items():
            b = balances.get(key)
            available = b.available if b else 0
            if quantity > available:
                shortfalls.append(Shortfall(key[0], key[1], quantity, available))
        if not shortfalls:
            reservations = _reserve(requests, balances, wanted, actor)
    if shortfalls:  # raised after the block: nothing was written
        raise InsufficientStock(_names_for(shortfalls), what=_("Cannot reserve"))
    return reservations


def _reserve(requests, balances, wanted, actor):
    """Write the reservations (the checks passed under the lock)."""
    before_available = {key: b.available for key, b in balances.items()}
    for key, quantity in wanted.items():
        balances[key].reserved += quantity
    save_balances(list(balances.values()), ["reserved"])
    reservations = StockReservation.objects.bulk_create([
        StockReservation(product_id=r.product_id, warehouse_id=r.warehouse_id, quantity=r.quantity,
                         actor=actor, **_source_fields(r.source))
        for r in requests
    ])
    notify_if_low(list(balances.values()), before_available)
    return reservations


def _sources_q(sources):
    """Reservations of these source rows: model instances (any mix of types), or one QuerySet of them —
    then matched by subquery, without loading the rows."""
    if isinstance(sources, models.QuerySet):
        return Q(source_type=ContentType.objects.get_for_model(sources.model),
                 source_id__in=sources.order_by().values("pk"))
    by_type = defaultdict(set)
    for s in sources:
        by_type[ContentType.objects.get_for_model(s)].add(s.pk)
    q = Q(pk__in=[])
    for ct, ids in by_type.items():
        q |= Q(source_type=ct, source_id__in=ids)
    return q


def _lock_open_reservations(sources):
    return list(StockReservation.objects.filter(_sources_q(sources), status=ReservationStatus.OPEN)
                .order_by("pk").select_for_update())


def release(*, sources: Iterable[models.Model], actor=None) -> int:
    """Release the open reservations of these source lines (a cancelled shipment; instances, or a
    QuerySet of them). Returns how many."""
    if not isinstance(sources, models.QuerySet):
        sources = list(sources)
    with transaction.atomic(savepoint=False):
        reservations = _lock_open_reservations(sources)
        if not reservations:
            return 0
        balances = lock_balances({(r.product_id, r.warehouse_id) for r in reservations}, create_missing=False)
        for r in reservations:
            balances[(r.product_id, r.warehouse_id)].reserved -= r.quantity
        save_balances(list(balances.values()), ["reserved"])
        StockReservation.objects.filter(pk__in=[r.pk for r in reservations]).update(
            status=ReservationStatus.RELEASED, closed_at=timezone.now()
        )
    return len(reservations)


def consume(*, sources: Iterable[models.Model], actor=None, kind=MoveKind.DISPATCH,
            source: models.Model | dict | None = None) -> list[StockLedgerEntry]:
    """Dispatch reserved stock: each open reservation of these source lines becomes an out row (its
    units leave on hand and reserved together) and is marked consumed. The rows link to `source` when
    given (e.g. the shipment; or {source line pk: document} when the lines belong to several, as in a
    bulk dispatch), else to the reservation's own source line. `sources` may be a QuerySet of the
    source lines: their reservations are then found by subquery, without loading the lines."""
    if not isinstance(sources, models.QuerySet):
        sources = list(sources)
    refusal = None
    with transaction.atomic(savepoint=False):
        reservations = _lock_open_reservations(sources)
        if not reservations:
            return []
        by_key = {(ContentType.objects.get_for_id(r.source_type_id).model_class(), r.source_id): r
                  for r in reservations}
        line_sources = {(type(s), s.pk): s for s in sources} if source is None else {}
        moves = [
            StockMove(product_id=r.product_id, warehouse_id=r.warehouse_id, direction=Direction.OUT,
                      quantity=r.quantity, kind=kind, from_reserved=True,
                      source=(source[r.source_id] if isinstance(source, dict) else source if source is not None
                              else line_sources.get(key, r.source)))
            for key, r in by_key.items()
        ]
        try:
            rows = move_stock(moves=moves, actor=actor)
        except StockError as exc:  # refused before writing anything (the balances exist: no rows created)
            refusal = exc
        else:
            StockReservation.objects.filter(pk__in=[r.pk for r in reservations]).update(
                status=ReservationStatus.CONSUMED, closed_at=timezone.now()
            )
    if refusal is not None:
        raise refusal
    return rows
