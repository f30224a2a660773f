"""Shipment services: the story of a shipment from entry to receipt, with every refusal."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed

from inventory.models import Direction, ReservationStatus, StockLedgerEntry, StockReservation
from notifications.models import Notification
from orders.models import FulfilmentStatus, Order
from reconciliation.models import EntryKind, SupplierAccountEntry
from shipments import selectors
from shipments.approval import approve_shipment, reject_shipment, reopen_shipment, submit_shipment
from shipments.cancelling import cancel_order, cancel_shipment
from shipments.dispatching import dispatch_shipment, mark_delivered, mark_received, start_picking
from shipments.entry import LineInput, create_shipment
from shipments.models import Shipment, ShipmentState
from tests.inventory.helpers import assert_ledger_matches, balance

from .factories import make_world

pytestmark = pytest.mark.django_db
S = ShipmentState


def fresh(shipment):
    return Shipment.objects.get(pk=shipment.pk)


def order_status(world):
    return Order.objects.get(pk=world.order.pk).fulfilment_status


def run_to(world, shipment, state):
    """Walk a shipment forward through the services, each step by its default role."""
    steps = {
        S.SUBMITTED: lambda s: submit_shipment(s, actor=world.sales),
        S.APPROVED: lambda s: approve_shipment(s, actor=world.approver),
        S.PICKING: lambda s: start_picking(s, actor=world.warehouse_user),
        S.DISPATCHED: lambda s: dispatch_shipment(
            s, actor=world.warehouse_user if s.kind == "company_dispatch" else world.sales,
            carrier=world.carrier, tracking_number="SF100"),
        S.DELIVERED: lambda s: mark_delivered(s, actor=world.sales),
        S.RECEIVED: lambda s: mark_received(s, actor=world.warehouse_user),
    }
    path = [S.SUBMITTED, S.APPROVED, S.PICKING, S.DISPATCHED, S.DELIVERED, S.RECEIVED]
    if shipment.kind == "drop_ship":
        path.remove(S.PICKING)
    shipment = fresh(shipment)
    if shipment.state in path:
        path = path[path.index(shipment.state) + 1:]
    for step in path:
        shipment = steps[step](fresh(shipment))
        if step == state:
            break
    return fresh(shipment)


# ---- the happy paths --------------------------------------------------------------------------------

def test_company_dispatch_from_entry_to_receipt_reserves_consumes_and_moves_the_order():
    world = make_world(lines=2, quantity=3, stock=10)
    shipment = world.ship()
    assert shipment.state == S.DRAFT and shipment.entered_by == world.sales
    assert shipment.number.startswith("SH")

    shipment = run_to(world, shipment, S.APPROVED)
    product = world.lines[0].product
    assert balance(product, world.warehouse).reserved == 3
    assert Notification.objects.filter(recipient=world.warehouse_user, event="shipment.approved").exists()
    assert order_status(world) == FulfilmentStatus.AWAITING_SHIPMENT

    shipment = run_to(world, shipment, S.DISPATCHED)
    assert shipment.tracking_number == "SF100" and shipment.dispatched_at is not None
    b = balance(product, world.warehouse)
    assert (b.on_hand, b.reserved) == (7, 0)
    out_rows = StockLedgerEntry.objects.filter(product=product, direction=Direction.OUT)
    assert [r.quantity for r in out_rows] == [3] and out_rows[0].source == shipment
    assert_ledger_matches(product, world.warehouse)
    assert order_status(world) == FulfilmentStatus.SHIPPED
    assert not SupplierAccountEntry.objects.exists()  # company dispatch posts nothing

    run_to(world, shipment, S.DELIVERED)
    assert order_status(world) == FulfilmentStatus.DELIVERED
    shipment = run_to(world, shipment, S.RECEIVED)
    assert shipment.received_at is not None
    assert order_status(world) == FulfilmentStatus.RECEIVED


def test_drop_ship_dispatch_posts_goods_per_line_and_freight_once():
    world = make_world(lines=2, quantity=2, stock=0)
    shipment = world.ship("drop_ship", prices=[Decimal("12.50"), None], freight="8.00")
    lines = list(shipment.lines.order_by("id"))
    assert [line.supplier_unit_price for line in lines] == [Decimal("12.50"), Decimal("10.00")]  # 2nd prefilled

    shipment = run_to(world, shipment, S.APPROVED)
    # No portal user: the salesperson is told to pass it on, with the contact.
    note = Notification.objects.get(recipient=world.sales, event="shipment.supplier_to_tell")
    assert shipment.supplier.contact_email in note.body

    shipment = run_to(world, shipment, S.DISPATCHED)
    entries = SupplierAccountEntry.objects.filter(supplier=shipment.supplier).order_by("id")
    assert [(e.kind, e.amount) for e in entries] == [
        (EntryKind.DROP_SHIP_GOODS, Decimal("25.00")), (EntryKind.DROP_SHIP_GOODS, Decimal("20.00")),
        (EntryKind.FREIGHT, Decimal("8.00"))]
    assert not StockLedgerEntry.objects.filter(direction=Direction.OUT).exists()
    assert order_status(world) == FulfilmentStatus.SHIPPED


def test_drop_ship_approval_notifies_the_suppliers_portal_users():
    world = make_world(stock=0)
    portal = world.extra["portal"] = __import__("tests.factories", fromlist=["UserFactory"]).UserFactory(
        roles=("supplier",))
    world.lines[0].product.default_supplier.portal_users.add(portal)
    run_to(world, world.ship("drop_ship"), S.APPROVED)
    assert Notification.objects.filter(recipient=portal, event="shipment.supplier_asked").exists()


def test_drop_ship_without_freight_posts_no_freight_entry():
    world = make_world(stock=0)
    run_to(world, world.ship("drop_ship"), S.DISPATCHED)
    assert list(SupplierAccountEntry.objects.values_list("kind", flat=True)) == [EntryKind.DROP_SHIP_GOODS]


# ---- open quantity ----------------------------------------------------------------------------------

def test_a_sale_line_never_exceeds_its_open_quantity_and_the_error_names_line_and_excess():
    world = make_world(lines=2, quantity=5)
    world.ship(quantities=[3, 5])
    with pytest.raises(ValidationError) as exc:
        world.ship(quantities=[4, 0], actor=world.other_sales)
    message = exc.value.message_dict["lines"][0]
    assert world.lines[0].product.sku in message and "2 too many" in message and "Line 1" in message
    assert Shipment.objects.count() == 1


def test_two_drafts_competing_for_the_same_units_the_second_is_refused():
    world = make_world(quantity=2)
    world.ship(quantities=[2])  # a draft: drafts count
    with pytest.raises(ValidationError):
        world.ship(quantities=[1], actor=world.other_sales)


def test_rejected_and_cancelled_shipments_give_their_units_back():
    world = make_world(quantity=2)
    first = run_to(world, world.ship(), S.SUBMITTED)
    reject_shipment(first, actor=world.approver, reason="wrong warehouse")
    second = world.ship()
    cancel_shipment(second, actor=world.sales, reason="typo")
    assert selectors.order_lines_with_open_quantity(world.order.pk)[0].open_quantity == 2
    third = world.ship()
    # The rejected one cannot come back to draft now: its units are taken.
    with pytest.raises(ValidationError) as exc:
        reopen_shipment(fresh(first), actor=world.sales)
    assert "too many" in exc.value.message_dict["lines"][0]
    assert fresh(third).state == S.DRAFT


def test_exchange_and_reship_shipments_skip_the_open_quantity_and_never_move_the_order():
    world = make_world(quantity=1)
    run_to(world, world.ship(), S.RECEIVED)
    assert order_status(world) == FulfilmentStatus.RECEIVED
    exchange = world.ship(purpose="exchange")  # no open quantity left, still allowed
    run_to(world, exchange, S.DISPATCHED)
    assert order_status(world) == FulfilmentStatus.RECEIVED


@pytest.mark.parametrize(("quantity", "price", "freight"), [(0, None, "0"), (-1, None, "0"), (1.5, None, "0"),
                                                             (1, Decimal("-1"), "0"), (1, Decimal("1.001"), "0"),
                                                             (1, None, "-5")])
def test_bad_quantities_prices_and_freight_are_refused(quantity, price, freight):
    world = make_world(quantity=2)
    with pytest.raises(ValidationError):
        create_shipment(
            order=world.order, kind="drop_ship", actor=world.sales, freight=freight,
            supplier=world.lines[0].product.default_supplier,
            lines=[LineInput(world.lines[0], quantity, price)])
    assert not Shipment.objects.exists()


def test_kind_specific_fields_are_required():
    world = make_world()
    with pytest.raises(ValidationError) as exc:
        create_shipment(order=world.order, kind="company_dispatch",
                                 lines=[LineInput(world.lines[0], 1)], actor=world.sales)
    assert "warehouse" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        create_shipment(order=world.order, kind="drop_ship",
                                 lines=[LineInput(world.lines[0], 1)], actor=world.sales)
    assert "supplier" in exc.value.message_dict


def test_lines_of_another_order_are_refused():
    world, other = make_world(), make_world()
    with pytest.raises(ValidationError) as exc:
        create_shipment(order=world.order, kind="company_dispatch", warehouse=world.warehouse,
                                 lines=[LineInput(other.lines[0], 1)], actor=world.sales)
    assert "not a line of order" in exc.value.message_dict["lines"][0]


# ---- who may do what --------------------------------------------------------------------------------

ROLES = ["sales", "approver", "warehouse_user", "finance", "manager"]
ALLOWED = {
    # transition: (state it starts from, kind, roles that may run it)
    "submit": (S.DRAFT, "company_dispatch", {"sales"}),
    "approve": (S.SUBMITTED, "company_dispatch", {"approver"}),
    "reject": (S.SUBMITTED, "company_dispatch", {"approver"}),
    "start_picking": (S.APPROVED, "company_dispatch", {"warehouse_user"}),
    "dispatch_company": (S.PICKING, "company_dispatch", {"warehouse_user"}),
    "dispatch_dropship": (S.APPROVED, "drop_ship", {"sales"}),
    "mark_delivered": (S.DISPATCHED, "company_dispatch", {"sales", "warehouse_user"}),
    "mark_received": (S.DELIVERED, "company_dispatch", {"sales", "warehouse_user"}),
    "cancel_before_approval": (S.SUBMITTED, "company_dispatch", {"sales"}),
    "cancel_after_approval": (S.APPROVED, "company_dispatch", {"approver"}),
    "reopen": (S.REJECTED, "company_dispatch", {"sales"}),
}


def act(world, name, shipment, actor):
    carrier = {"carrier": world.carrier, "tracking_number": "YT1"}
    return {
        "submit": lambda: submit_shipment(shipment, actor=actor),
        "approve": lambda: approve_shipment(shipment, actor=actor),
        "reject": lambda: reject_shipment(shipment, actor=actor, reason="no"),
        "start_picking": lambda: start_picking(shipment, actor=actor),
        "dispatch_company": lambda: dispatch_shipment(shipment, actor=actor, **carrier),
        "dispatch_dropship": lambda: dispatch_shipment(shipment, actor=actor, **carrier),
        "mark_delivered": lambda: mark_delivered(shipment, actor=actor),
        "mark_received": lambda: mark_received(shipment, actor=actor),
        "cancel_before_approval": lambda: cancel_shipment(shipment, actor=actor, reason="x"),
        "cancel_after_approval": lambda: cancel_shipment(shipment, actor=actor, reason="x"),
        "reopen": lambda: reopen_shipment(shipment, actor=actor),
    }[name]()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(ALLOWED))
def test_every_transition_is_allowed_to_its_roles_and_refused_to_the_others(name, role):
    state, kind, roles = ALLOWED[name]
    world = make_world()
    if state == S.REJECTED:
        shipment = run_to(world, world.ship(kind), S.SUBMITTED)
        reject_shipment(shipment, actor=world.approver, reason="wrong warehouse")
    else:
        shipment = run_to(world, world.ship(kind), state) if state != S.DRAFT else world.ship(kind)
    actor = getattr(world, role)
    if role in roles:
        act(world, name, shipment, actor)
        assert fresh(shipment).state != state
    else:
        with pytest.raises(PermissionDenied):
            act(world, name, shipment, actor)
        assert fresh(shipment).state == state


@pytest.mark.parametrize("name", ["submit", "approve", "start_picking", "dispatch_company", "mark_delivered",
                                  "mark_received"])
def test_transitions_out_of_order_are_refused(name):
    world = make_world()
    shipment = world.ship()  # draft
    if name == "submit":
        shipment = run_to(world, shipment, S.APPROVED)
    role = {"submit": "sales", "approve": "approver", "start_picking": "warehouse_user",
            "dispatch_company": "warehouse_user", "mark_delivered": "sales", "mark_received": "sales"}[name]
    with pytest.raises(TransitionNotAllowed):
        act(world, name, shipment, getattr(world, role))


def test_company_dispatch_cannot_skip_picking():
    world = make_world()
    company = run_to(world, world.ship(), S.APPROVED)
    with pytest.raises(TransitionNotAllowed):
        dispatch_shipment(company, actor=world.warehouse_user, carrier=world.carrier, tracking_number="1")
    assert fresh(company).state == S.APPROVED


def test_drop_ship_has_no_picking_step():
    world = make_world(stock=0)
    shipment = run_to(world, world.ship("drop_ship"), S.APPROVED)
    with pytest.raises(TransitionNotAllowed):
        start_picking(shipment, actor=world.warehouse_user)


def test_maker_checker_an_approver_who_entered_it_may_not_approve_or_reject():
    world = make_world()
    both = __import__("tests.factories", fromlist=["UserFactory"]).UserFactory(roles=("sales", "approver"))
    shipment = world.ship(actor=both)
    submit_shipment(shipment, actor=both)
    with pytest.raises(PermissionDenied):
        approve_shipment(shipment, actor=both)
    with pytest.raises(PermissionDenied):
        reject_shipment(shipment, actor=both, reason="mine")
    assert fresh(shipment).state == S.SUBMITTED
    approve_shipment(shipment, actor=world.approver)
    assert fresh(shipment).approved_by == world.approver


def test_reject_needs_a_reason_and_reopen_brings_it_back_to_draft():
    world = make_world()
    shipment = run_to(world, world.ship(), S.SUBMITTED)
    with pytest.raises(ValidationError):
        reject_shipment(shipment, actor=world.approver, reason="  ")
    reject_shipment(shipment, actor=world.approver, reason="wrong warehouse")
    shipment = fresh(shipment)
    assert shipment.state == S.REJECTED and shipment.rejection_reason == "wrong warehouse"
    assert Notification.objects.filter(recipient=world.sales, event="shipment.rejected").exists()
    reopen_shipment(shipment, actor=world.sales)
    assert fresh(shipment).state == S.DRAFT


def test_dispatch_needs_carrier_and_tracking_number():
    world = make_world()
    shipment = run_to(world, world.ship(), S.PICKING)
    with pytest.raises(ValidationError) as exc:
        dispatch_shipment(shipment, actor=world.warehouse_user, carrier=None, tracking_number=" ")
    assert set(exc.value.message_dict) == {"carrier", "tracking_number"}
    assert fresh(shipment).state == S.PICKING


# ---- stock -------------------------------------------------------------------------------------------

def test_approval_is_refused_with_the_shortfall_per_line_and_writes_nothing():
    world = make_world(lines=2, quantity=5, stock=3)
    shipment = run_to(world, world.ship(), S.SUBMITTED)
    with pytest.raises(ValidationError) as exc:
        approve_shipment(shipment, actor=world.approver)
    messages = exc.value.message_dict["lines"]
    assert len(messages) == 2 and all("short 2" in m for m in messages)
    assert world.lines[0].product.sku in messages[0] or world.lines[0].product.sku in messages[1]
    assert fresh(shipment).state == S.SUBMITTED
    assert not StockReservation.objects.exists()


def test_cancel_after_approval_releases_the_reservation():
    world = make_world(quantity=4, stock=10)
    shipment = run_to(world, world.ship(), S.PICKING)
    assert balance(world.lines[0].product, world.warehouse).reserved == 4
    cancel_shipment(shipment, actor=world.approver, reason="customer changed mind")
    b = balance(world.lines[0].product, world.warehouse)
    assert (b.on_hand, b.reserved) == (10, 0)
    assert StockReservation.objects.get().status == ReservationStatus.RELEASED
    assert fresh(shipment).cancel_reason == "customer changed mind"
    assert_ledger_matches(world.lines[0].product, world.warehouse)


def test_nothing_can_be_cancelled_once_dispatched():
    world = make_world()
    shipment = run_to(world, world.ship(), S.DISPATCHED)
    with pytest.raises(TransitionNotAllowed):
        cancel_shipment(shipment, actor=world.approver)


# ---- the order's status -------------------------------------------------------------------------------

def test_order_status_in_mixed_cases():
    world = make_world(quantity=4)
    first = run_to(world, world.ship(quantities=[2]), S.DISPATCHED)
    assert order_status(world) == FulfilmentStatus.PARTIALLY_SHIPPED
    cancelled = world.ship(quantities=[1])
    cancel_shipment(cancelled, actor=world.sales)
    assert order_status(world) == FulfilmentStatus.PARTIALLY_SHIPPED  # a cancelled one never counts
    exchange = run_to(world, world.ship(quantities=[2], purpose="exchange"), S.DISPATCHED)
    assert order_status(world) == FulfilmentStatus.PARTIALLY_SHIPPED  # an exchange never counts
    second = run_to(world, world.ship(quantities=[2]), S.DISPATCHED)
    assert order_status(world) == FulfilmentStatus.SHIPPED
    run_to(world, first, S.RECEIVED)  # one received, one dispatched
    assert order_status(world) == FulfilmentStatus.SHIPPED
    run_to(world, second, S.DELIVERED)
    assert order_status(world) == FulfilmentStatus.DELIVERED
    run_to(world, fresh(second), S.RECEIVED)
    assert order_status(world) == FulfilmentStatus.RECEIVED
    assert fresh(exchange).state == S.DISPATCHED


def test_cancelling_the_order_cancels_its_undispatched_shipments_and_releases_stock():
    world = make_world(lines=1, quantity=4, stock=10)
    approved = run_to(world, world.ship(quantities=[2]), S.APPROVED)
    draft = world.ship(quantities=[2])
    cancel_order(world.order, actor=world.sales, reason="customer cancelled")
    assert order_status(world) == FulfilmentStatus.CANCELLED
    assert {fresh(approved).state, fresh(draft).state} == {S.CANCELLED}
    assert balance(world.lines[0].product, world.warehouse).reserved == 0
    with pytest.raises(ValidationError):
        world.ship(quantities=[1])


def test_an_order_with_a_dispatched_shipment_cannot_be_cancelled():
    world = make_world(quantity=4)
    run_to(world, world.ship(quantities=[1]), S.DISPATCHED)
    with pytest.raises(TransitionNotAllowed):
        cancel_order(Order.objects.get(pk=world.order.pk), actor=world.sales, reason="too late")


def test_an_invoiced_order_takes_no_more_sale_shipments_but_an_exchange_still_goes_out():
    from orders.services import set_fulfilment_status

    world = make_world(quantity=2)
    run_to(world, world.ship(quantities=[1]), S.RECEIVED)
    set_fulfilment_status(Order.objects.get(pk=world.order.pk), status=FulfilmentStatus.INVOICED)
    with pytest.raises(ValidationError) as exc:
        world.ship(quantities=[1])
    assert "order" in exc.value.message_dict
    exchange = world.ship(quantities=[1], purpose="exchange")
    run_to(world, exchange, S.DISPATCHED)
    assert order_status(world) == FulfilmentStatus.INVOICED
