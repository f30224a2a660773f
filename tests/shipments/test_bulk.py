"""Bulk actions: the approver approves the ticked shipments of the approval queue at once, the warehouse's
print run starts picking every ticked one, and a tracking file dispatches many — each all or nothing,
each in a number of queries that does not grow with the number of shipments, with the same effects
(reservations, stock-out rows, supplier entries, notifications, order statuses, timeline) as one by one."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_fsm import TransitionNotAllowed

from core.models import TransitionLog
from inventory.models import StockLedgerEntry, StockReservation
from notifications.models import Notification
from orders.models import FulfilmentStatus, Order
from reconciliation.models import SupplierAccountEntry
from shipments.approval import approve_shipment, approve_shipments, submit_shipment
from shipments.dispatch_notes import print_dispatch_notes
from shipments.dispatching import dispatch_shipments, start_picking, start_picking_many
from shipments.entry import create_shipment
from shipments.models import Shipment, ShipmentLine, ShipmentState
from tests.factories import UserFactory
from tests.orders.factories import OrderFactory, OrderLineFactory

from .factories import make_world, stock_in
from .test_views import messages_of

pytestmark = pytest.mark.django_db
S = ShipmentState


def submitted(world, count, *, kind="company_dispatch", lines=2, stock=10):
    """`count` submitted shipments, each for its own order of `lines` one-unit lines, entered by sales."""
    shipments = []
    for i in range(count):
        order = OrderFactory(store=world.order.store, recipient_name=f"收件人{i}号")
        order_lines = [OrderLineFactory(order=order, quantity=1) for _ in range(lines)]
        for line in order_lines:
            if stock:
                stock_in(line.product, world.warehouse, stock)
        where = {"warehouse": world.warehouse} if kind == "company_dispatch" else {
            "supplier": order_lines[0].product.default_supplier}
        shipment = create_shipment(order=order, kind=kind, lines=[(line, 1) for line in order_lines],
                                            actor=world.sales, **where)
        shipments.append(submit_shipment(shipment, actor=world.sales))
    return shipments


# Every transition of a bulk action is written by one conditional UPDATE and one insert of its log rows
# (core.transitions.perform_many), on every database: no query more per shipment.
PER_SHIPMENT = 0


def fresh(objects):
    return [type(o).objects.get(pk=o.pk) for o in objects]


def warm_caches(world):
    ContentType.objects.get_for_models(Shipment, ShipmentLine, Order)
    for user in (world.approver, world.warehouse_user, world.sales):
        user.has_perm("shipments.view_shipment")  # the permission cache, as on any request after the first


@pytest.fixture
def world():
    return make_world()


# ---- approve the ticked ----------------------------------------------------------------------------

def test_approving_ticked_shipments_reserves_each_and_tells_the_warehouse_of_each(world):
    company = submitted(world, 3)
    drop_ship = submitted(world, 1, kind="drop_ship")[0]
    second_warehouse_person = UserFactory(roles=("warehouse",))

    approved = approve_shipments([*company, drop_ship], actor=world.approver)

    assert [s.pk for s in approved] == [*(s.pk for s in company), drop_ship.pk]
    assert {s.state for s in fresh(approved)} == {S.APPROVED}
    assert all(s.approved_by == world.approver for s in fresh(approved))
    lines = ShipmentLine.objects.filter(shipment__in=company)
    reserved = {r.source_id: r.quantity for r in StockReservation.objects.filter(status="open")}
    assert reserved == {line.pk: 1 for line in lines}  # one open reservation per company line
    for person in (world.warehouse_user, second_warehouse_person):  # as if approved one by one
        notes = Notification.objects.filter(event="shipment.approved", recipient=person).order_by("id")
        assert [(n.link, n.body) for n in notes] == [
            (s.get_absolute_url(), f"Order {s.order.external_order_no}, 2 line(s).") for s in company]
        assert all(s.number in n.subject for s, n in zip(company, notes, strict=True))
    assert any(drop_ship.order.external_order_no in n.body
               for n in Notification.objects.filter(event="shipment.supplier_to_tell"))
    for shipment in approved:
        log = TransitionLog.objects.filter(object_id=str(shipment.pk), transition="approve").get()
        assert (log.source, log.target, log.actor) == (S.SUBMITTED, S.APPROVED, world.approver)


def test_one_own_entry_among_the_ticked_approves_none(world):
    shipments = submitted(world, 2)
    (own,) = submitted(world, 1)
    Shipment.objects.filter(pk=own.pk).update(entered_by=world.approver)  # the approver's own entry
    with pytest.raises(PermissionDenied, match=own.number):
        approve_shipments([*shipments, own], actor=world.approver)
    assert {s.state for s in fresh([*shipments, own])} == {S.SUBMITTED}
    assert not StockReservation.objects.exists()


def test_a_shortfall_on_one_shipment_approves_none_and_names_the_product(world):
    ok = submitted(world, 2)
    (short,) = submitted(world, 1, lines=1, stock=0)
    sku = short.lines.get().order_line.product.sku
    with pytest.raises(ValidationError) as refused:
        approve_shipments([*ok, short], actor=world.approver)
    assert sku in " ".join(refused.value.messages)
    assert {s.state for s in fresh([*ok, short])} == {S.SUBMITTED}
    assert not StockReservation.objects.exists()
    assert not TransitionLog.objects.filter(transition="approve").exists()


def test_a_shipment_no_longer_submitted_approves_none(world):
    shipments = submitted(world, 3)
    approve_shipment(fresh(shipments[1:2])[0], actor=world.approver)
    with pytest.raises(TransitionNotAllowed, match=shipments[1].number):
        approve_shipments(shipments, actor=world.approver)  # stale instances: the locked rows decide
    assert [s.state for s in fresh(shipments)] == [S.SUBMITTED, S.APPROVED, S.SUBMITTED]


def test_a_shipment_given_twice_is_refused(world):
    (shipment,) = submitted(world, 1)
    with pytest.raises(ValidationError, match="once"):
        approve_shipments([shipment, Shipment.objects.get(pk=shipment.pk)], actor=world.approver)
    assert fresh([shipment])[0].state == S.SUBMITTED


def test_approving_ticked_costs_the_same_queries_for_2_and_12_shipments(world):
    few, many = submitted(world, 2), submitted(world, 12, lines=3)
    warm_caches(world)
    with CaptureQueriesContext(connection) as two:
        approve_shipments(few, actor=world.approver)
    with CaptureQueriesContext(connection) as twelve:
        approve_shipments(many, actor=world.approver)
    assert len(twelve) - len(two) == 10 * PER_SHIPMENT


# ---- the approval queue page ----------------------------------------------------------------------

def test_the_approval_queue_lists_what_the_approver_may_approve_and_approves_the_ticked(client, world):
    shipments = submitted(world, 3)
    draft = world.ship()
    client.force_login(world.approver)
    page = client.get(reverse("shipments:approval_queue")).content.decode()
    assert all(f'data-shipment="{s.number}"' in page for s in shipments)
    assert f'data-shipment="{draft.number}"' not in page
    response = client.post(reverse("shipments:approve_ticked"),
                           {"shipment": [shipments[0].pk, shipments[2].pk]}, follow=True)
    assert any("2 shipments approved" in m for m in messages_of(response))
    assert [s.state for s in fresh(shipments)] == [S.APPROVED, S.SUBMITTED, S.APPROVED]


def test_the_approval_queue_refuses_all_with_the_reason_when_one_is_short(client, world):
    ok = submitted(world, 1)[0]
    (short,) = submitted(world, 1, lines=1, stock=0)
    client.force_login(world.approver)
    response = client.post(reverse("shipments:approve_ticked"), {"shipment": [ok.pk, short.pk]}, follow=True)
    assert any(m.startswith("Nothing was approved") and "Not enough stock" in m for m in messages_of(response))
    assert {s.state for s in fresh([ok, short])} == {S.SUBMITTED}


def test_the_approval_queue_refuses_nothing_ticked_and_unknown_ids(client, world):
    (shipment,) = submitted(world, 1)
    client.force_login(world.approver)
    response = client.post(reverse("shipments:approve_ticked"), {"shipment": []}, follow=True)
    assert any("Tick at least one" in m for m in messages_of(response))
    response = client.post(reverse("shipments:approve_ticked"), {"shipment": [shipment.pk, 999999]}, follow=True)
    assert any("no longer exist" in m for m in messages_of(response))
    assert fresh([shipment])[0].state == S.SUBMITTED


def test_sales_cannot_approve_ticked_shipments(client, world):
    (shipment,) = submitted(world, 1)
    client.force_login(world.sales)
    assert client.post(reverse("shipments:approve_ticked"), {"shipment": [shipment.pk]}).status_code == 403
    assert fresh([shipment])[0].state == S.SUBMITTED


# ---- the print run starts picking the lot ----------------------------------------------------------

def test_a_print_run_starts_picking_in_the_same_queries_for_2_and_12_shipments(world):
    few = approve_shipments(submitted(world, 2), actor=world.approver)
    many = approve_shipments(submitted(world, 12), actor=world.approver)
    warm_caches(world)
    with CaptureQueriesContext(connection) as two:
        print_dispatch_notes(shipment_ids=[s.pk for s in few], actor=world.warehouse_user)
    with CaptureQueriesContext(connection) as twelve:
        print_dispatch_notes(shipment_ids=[s.pk for s in many], actor=world.warehouse_user)
    assert len(twelve) - len(two) == 10 * PER_SHIPMENT
    assert {s.state for s in fresh([*few, *many])} == {S.PICKING}
    assert TransitionLog.objects.filter(transition="start_picking").count() == 14


# ---- dispatch many (a tracking file) ---------------------------------------------------------------

def picking(world, count, **kwargs):
    shipments = approve_shipments(submitted(world, count, **kwargs), actor=world.approver)
    return start_picking_many(shipments, actor=world.warehouse_user)


def test_dispatching_many_writes_each_shipments_out_rows_and_ships_each_order(world):
    shipments = picking(world, 3)
    dispatched = dispatch_shipments(
        [(s, world.carrier, f"SF{i}") for i, s in enumerate(shipments)], actor=world.warehouse_user)

    assert [(s.state, s.tracking_number) for s in fresh(dispatched)] == [(S.DISPATCHED, f"SF{i}") for i in range(3)]
    shipment_type = ContentType.objects.get_for_model(Shipment)
    for shipment in shipments:
        rows = StockLedgerEntry.objects.filter(direction="out", source_type=shipment_type, source_id=shipment.pk)
        assert sorted(r.product_id for r in rows) == sorted(
            line.order_line.product_id for line in shipment.lines.select_related("order_line"))
        assert Order.objects.get(pk=shipment.order_id).fulfilment_status == FulfilmentStatus.SHIPPED
    assert not StockReservation.objects.filter(status="open").exists()


def test_dispatching_many_drop_ships_posts_goods_and_freight_per_shipment(world):
    shipments = approve_shipments(submitted(world, 2, kind="drop_ship"), actor=world.approver)
    Shipment.objects.filter(pk__in=[s.pk for s in shipments]).update(freight="8.00")
    dispatch_shipments([(s, world.carrier, f"YT{i}") for i, s in enumerate(fresh(shipments))],
                                actor=world.sales)
    for shipment in shipments:
        entries = SupplierAccountEntry.objects.filter(description__startswith=shipment.number)
        assert sorted(e.kind for e in entries) == ["drop_ship_goods", "drop_ship_goods", "freight"]
        assert [str(e.amount) for e in entries if e.kind == "freight"] == ["8.00"]


def test_one_shipment_not_picking_dispatches_none(world):
    shipments = picking(world, 2)
    (approved_only,) = approve_shipments(submitted(world, 1), actor=world.approver)
    with pytest.raises(TransitionNotAllowed, match=approved_only.number):
        dispatch_shipments([(s, world.carrier, "X1") for s in [*shipments, approved_only]],
                                    actor=world.warehouse_user)
    assert {s.state for s in fresh(shipments)} == {S.PICKING}
    assert not StockLedgerEntry.objects.filter(direction="out").exists()


def test_a_missing_tracking_number_in_many_names_the_shipment(world):
    shipments = picking(world, 2)
    with pytest.raises(ValidationError) as refused:
        dispatch_shipments([(shipments[0], world.carrier, "X1"), (shipments[1], world.carrier, " ")],
                                    actor=world.warehouse_user)
    assert shipments[1].number in " ".join(refused.value.messages)
    assert {s.state for s in fresh(shipments)} == {S.PICKING}


def test_dispatching_many_costs_the_same_queries_for_2_and_12_shipments(world):
    few, many = picking(world, 2), picking(world, 12, lines=3)
    warm_caches(world)
    with CaptureQueriesContext(connection) as two:
        dispatch_shipments([(s, world.carrier, "A") for s in few], actor=world.warehouse_user)
    with CaptureQueriesContext(connection) as twelve:
        dispatch_shipments([(s, world.carrier, "B") for s in many], actor=world.warehouse_user)
    # each order's derived status is written by its own transition: its conditional UPDATE and its log row
    assert len(twelve) - len(two) == 10 * 2


# ---- in Chromium, on a phone ----------------------------------------------------------------------

@pytest.mark.browser
def test_approver_ticks_two_shipments_on_a_phone_and_approves_them(phone_page):
    from playwright.sync_api import expect

    from tests.browser.helpers import login, wider_than_viewport

    page = phone_page
    world = make_world()
    world.approver.username = "li"
    world.approver.save(update_fields=["username"])
    first, second, third = submitted(world, 3)
    login(page, "li")
    page.goto(reverse("shipments:approval_queue"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wider_than_viewport(page)
    for shipment in (first, third):
        page.locator(f"tr[data-shipment='{shipment.number}'] input[name=shipment]").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#approve-ticked").click()
    expect(page.locator(".alert-success")).to_contain_text("2 shipments approved")
    expect(page.locator(f"tr[data-shipment='{first.number}']")).to_have_count(0)  # gone from the queue
    expect(page.locator(f"tr[data-shipment='{second.number}']")).to_have_count(1)
    assert [s.state for s in fresh([first, second, third])] == [S.APPROVED, S.SUBMITTED, S.APPROVED]
    assert not page.js_errors


# ---- over the API -----------------------------------------------------------------------------------

def api_post(client, url, data):
    import json

    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_the_api_approves_ticked_shipments_and_dispatches_a_tracking_feed(api_client, world):
    approver, _ = api_client(user=world.approver)
    warehouse, _ = api_client(user=world.warehouse_user)
    shipments = submitted(world, 3)
    response = api_post(approver, "/api/v1/shipments/bulk/approve", {"shipments": [s.pk for s in shipments]})
    assert response.status_code == 200, response.content
    assert [(row["number"], row["state"]) for row in response.json()["items"]] == [
        (s.number, "approved") for s in shipments]
    start_picking_many(shipments, actor=world.warehouse_user)
    feed = [{"shipment": s.pk, "carrier": world.carrier.code, "tracking_number": f"SF{i}"}
            for i, s in enumerate(shipments)]
    response = api_post(warehouse, "/api/v1/shipments/bulk/dispatch", {"dispatches": feed})
    assert response.status_code == 200, response.content
    assert [(row["state"], row["tracking_number"]) for row in response.json()["items"]] == [
        ("dispatched", f"SF{i}") for i in range(3)]
    assert StockLedgerEntry.objects.filter(direction="out").count() == 6


def test_the_bulk_api_refuses_all_or_nothing_with_the_right_status(api_client, world):
    approver, _ = api_client(user=world.approver)
    sales, _ = api_client(user=world.sales)
    ok = submitted(world, 2)
    (short,) = submitted(world, 1, lines=1, stock=0)
    url = "/api/v1/shipments/bulk/approve"
    assert api_post(sales, url, {"shipments": [ok[0].pk]}).status_code == 403  # sales may not approve
    response = api_post(approver, url, {"shipments": [ok[0].pk, 999999]})
    assert response.status_code == 404 and "999999" in response.json()["detail"]
    assert api_post(approver, url, {"shipments": []}).status_code == 400
    assert api_post(approver, url, {"shipments": [ok[0].pk, ok[0].pk]}).status_code == 400
    response = api_post(approver, url, {"shipments": [s.pk for s in [*ok, short]]})
    assert response.status_code == 400 and "Not enough stock" in response.content.decode()
    approve_shipment(ok[1], actor=world.approver)
    assert api_post(approver, url, {"shipments": [ok[0].pk, ok[1].pk]}).status_code == 409  # one no longer submitted
    assert [s.state for s in fresh([ok[0], short])] == [S.SUBMITTED, S.SUBMITTED]
    warehouse, _ = api_client(user=world.warehouse_user)
    start_picking(ok[1], actor=world.warehouse_user)
    response = api_post(warehouse, "/api/v1/shipments/bulk/dispatch", {"dispatches": [
        {"shipment": ok[1].pk, "carrier": "no-such-carrier", "tracking_number": "X"}]})
    assert response.status_code == 400 and "carrier" in response.json()["errors"]
    assert fresh([ok[1]])[0].state == S.PICKING
