"""The request and response bodies of the shipments API (shipments/api.py): what a client sends and gets."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from core.api import Input
from core.api_types import Money, OutsideTime, Quantity
from orders.deadlines import DeadlineFilter

from .models import ShipmentKind, ShipmentState

MAX_LIMIT = 200


class ShipmentLineIn(Input):
    """One line of a new shipment: an order line and the quantity shipped this time."""

    order_line: int = Field(..., description="Order line id")
    quantity: Quantity
    supplier_unit_price: Money | None = Field(None, description="Drop-ship: agreed price (default: product's)")


class ShipmentIn(Input):
    """A new sale shipment: a drop-ship (supplier) or a company dispatch (warehouse)."""

    order: int = Field(..., description="Order id")
    kind: ShipmentKind
    supplier: int | None = Field(None, description="Supplier id (drop-ship)")
    warehouse: int | None = Field(None, description="Warehouse id (company dispatch)")
    freight: Money = Decimal("0")
    lines: list[ShipmentLineIn]
    submit: bool = Field(False, description="Submit for approval right away")


class ShipmentLineOut(Schema):
    """One line of a shipment."""

    id: int
    order_line: int = Field(..., alias="order_line_id")
    sku: str = Field(..., alias="order_line.product.sku")
    quantity: int
    supplier_unit_price: Decimal | None


class ShipmentOut(Schema):
    """A shipment 发货单 with its lines."""

    id: int
    number: str
    order: int = Field(..., alias="order_id")
    order_no: str = Field(..., alias="order.external_order_no")
    kind: str
    purpose: str
    state: str
    supplier: int | None = Field(None, alias="supplier_id")
    warehouse: int | None = Field(None, alias="warehouse_id")
    freight: Decimal
    carrier: str | None = None
    tracking_number: str
    tracking_url: str
    entered_by: str = Field(..., alias="entered_by.username")
    entry_date: date
    rejection_reason: str
    dispatched_at: datetime | None
    delivered_at: datetime | None
    received_at: datetime | None
    lines: list[ShipmentLineOut]

    @staticmethod
    def resolve_carrier(obj):
        return obj.carrier.code if obj.carrier_id else None

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


class ShipmentRow(Schema):
    """A shipment in a list, with its supplier or warehouse, carrier and freight."""

    id: int
    number: str
    order: int = Field(..., alias="order_id")
    kind: str
    purpose: str
    state: str
    supplier: int | None = Field(None, alias="supplier_id")
    warehouse: int | None = Field(None, alias="warehouse_id")
    carrier: str | None = Field(None, description="Carrier code")
    tracking_number: str
    freight: Decimal
    entry_date: date
    updated_at: datetime = Field(..., description="Last change (compare with updated_since)")

    @staticmethod
    def resolve_carrier(obj):
        return obj.carrier.code if obj.carrier_id else None


class ShipmentFilters(Schema):
    """Filters of the shipment list."""

    order: int | None = None
    state: ShipmentState | None = None
    kind: ShipmentKind | None = None
    supplier: int | None = None
    warehouse: int | None = None
    carrier: str | None = Field(None, max_length=40, description="Carrier code (case-insensitive)")
    tracking_number: str | None = Field(None, max_length=100)
    awaiting_approval: bool | None = None
    deadline: DeadlineFilter | None = Field(None, description="Dispatch deadline: at_risk, overdue, or late (either)")


class ReasonIn(Input):
    """The reason of a rejection or cancellation."""

    reason: str = ""


class TrackingIn(Input):
    """Carrier and tracking no. of a dispatch, and when it left if the caller knows (else: now)."""

    carrier: str = Field(..., description="Carrier code (or id)")
    tracking_number: str
    at: OutsideTime | None = Field(None, description="When it was dispatched, with its timezone: between the "
                                                     "shipment's approval and now (default: now)")


class BulkApproveIn(Input):
    """The shipments to approve together."""

    shipments: list[int] = Field(..., description=f"Shipment ids (1 to {MAX_LIMIT})")


class DispatchRowIn(TrackingIn):
    """One shipment of a bulk dispatch with its carrier and tracking no."""

    shipment: int = Field(..., description="Shipment id")


class BulkDispatchIn(Input):
    """The shipments to dispatch together."""

    dispatches: list[DispatchRowIn] = Field(..., description=f"1 to {MAX_LIMIT} rows")


class ShipmentList(Schema):
    """Shipments as they are after a bulk action, in the order sent."""

    items: list[ShipmentOut]


class TimeIn(Input):
    """When a delivery or receipt happened (a time with its timezone)."""

    at: OutsideTime | None = Field(None, description="When it happened, with its timezone: after the previous "
                                                     "step (dispatch for a delivery, delivery for a receipt) and "
                                                     "not in the future (default: now)")


class SupplierFreightIn(Input):
    """The freight of one supplier's drop-ship."""

    supplier: int = Field(..., description="Supplier id")
    freight: Money


class DropShipsIn(Input):
    """The lines of an order to drop-ship, split by the supplier of each line's product."""

    order: int = Field(..., description="Order id")
    lines: list[ShipmentLineIn]
    freights: list[SupplierFreightIn] = Field([], description="Freight per supplier (default 0)")
    submit: bool = Field(False, description="Submit each for approval right away")
