"""Shipment pages: entry form (kind swap, prefilled prices, available stock), list, shipment page
with only the actions the user may run, errors as messages, bulk tracking and delivery by file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orders.models import FulfilmentStatus, Order
from shipments.approval import approve_shipment, reject_shipment, submit_shipment
from shipments.dispatching import dispatch_shipment, start_picking
from shipments.models import Shipment, ShipmentState

from .factories import make_world

pytestmark = pytest.mark.django_db
S = ShipmentState


def login(client, user):
    client.force_login(user)
    return client


def csv_file(text, name="rows.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# ---- entry ------------------------------------------------------------------------------------------

def test_entry_from_the_order_page_shows_lines_with_open_quantity_and_available_stock(client):
    world = make_world(lines=2, quantity=3, stock=5)
    world.ship(quantities=[1, 0])
    login(client, world.sales)
    order_page = client.get(reverse("orders:order_detail", args=[world.order.pk])).content.decode()
    assert f'{reverse("shipments:shipment_create")}?order={world.order.pk}' in order_page

    page = client.get(reverse("shipments:shipment_create"), {"order": world.order.pk,
                                                              "warehouse": world.warehouse.pk})
    html = page.content.decode()
    assert page.status_code == 200
    assert world.lines[0].product.sku in html and f'name="qty_{world.lines[0].pk}" value="2"' in html
    assert page.context["lines"][0].open_quantity == 2 and page.context["lines"][0].available == 5


def test_the_kind_part_swaps_to_drop_ship_with_supplier_and_prices_prefilled(client):
    world = make_world(stock=0)
    login(client, world.sales)
    part = client.get(reverse("shipments:shipment_form_part"), {"order": world.order.pk, "kind": "drop_ship"},
                      HTTP_HX_REQUEST="true")
    html = part.content.decode()
    assert 'data-kind="drop_ship"' in html and 'name="freight"' in html and 'name="warehouse"' not in html
    product = world.lines[0].product
    assert f'name="price_{world.lines[0].pk}" value="{product.supplier_unit_cost}"' in html
    assert part.context["form"].initial["supplier"] == product.default_supplier_id


def test_entering_a_company_dispatch_and_submitting_it(client):
    world = make_world(quantity=2)
    login(client, world.sales)
    response = client.post(reverse("shipments:shipment_create"), {
        "order": world.order.pk, "kind": "company_dispatch", "warehouse": world.warehouse.pk,
        f"qty_{world.lines[0].pk}": "2", "submit": "1"})
    shipment = Shipment.objects.get()
    assert response.status_code == 302 and response["Location"] == shipment.get_absolute_url()
    assert shipment.state == S.SUBMITTED and shipment.entered_by == world.sales


def test_too_many_units_are_refused_with_the_line_and_excess_next_to_its_quantity(client):
    world = make_world(quantity=2)
    login(client, world.sales)
    response = client.post(reverse("shipments:shipment_create"), {
        "order": world.order.pk, "kind": "drop_ship", "supplier": world.lines[0].product.default_supplier_id,
        "freight": "0", f"qty_{world.lines[0].pk}": "3", f"price_{world.lines[0].pk}": "10"})
    assert response.status_code == 200
    assert any("1 too many" in m for m in response.context["lines"][0].errors["quantity"])
    assert f'id="id_qty_{world.lines[0].pk}_error"' in response.content.decode()
    assert not Shipment.objects.exists()


def test_a_missing_warehouse_is_shown_next_to_the_field(client):
    world = make_world()
    login(client, world.sales)
    response = client.post(reverse("shipments:shipment_create"), {
        "order": world.order.pk, "kind": "company_dispatch", f"qty_{world.lines[0].pk}": "1"})
    assert response.status_code == 200 and "warehouse" in response.context["form"].errors


# ---- list and page ---------------------------------------------------------------------------------------

def test_the_list_filters_by_state_and_awaiting_approval_and_exports(client):
    world = make_world(quantity=4)
    draft = world.ship(quantities=[1])
    submitted = world.ship(quantities=[1])
    submit_shipment(submitted, actor=world.sales)
    login(client, world.manager)
    url = reverse("shipments:shipment_list")
    assert client.get(url).status_code == 200
    rows = client.get(url, {"state": "submitted"}).context["table"].data
    assert [r.pk for r in rows] == [submitted.pk]
    rows = client.get(url, {"awaiting_approval": "on"}).context["table"].data
    assert {r.pk for r in rows} == {draft.pk, submitted.pk}
    rows = client.get(url, {"q": draft.number}).context["table"].data
    assert [r.pk for r in rows] == [draft.pk]
    export = client.get(url, {"_export": "csv"})
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert export.status_code == 200 and draft.number in body


def test_the_approve_button_is_not_offered_to_the_approver_who_entered_it(client, make_user):
    world = make_world()
    both = make_user("sales", "approver")
    shipment = world.ship(actor=both)
    submit_shipment(shipment, actor=both)
    page = login(client, both).get(shipment.get_absolute_url())
    assert "approve" not in page.context["allowed"] and 'id="action-approve"' not in page.content.decode()
    assert "reject" not in page.context["allowed"]
    response = client.post(reverse("shipments:shipment_action", args=[shipment.pk, "approve"]), follow=True)
    assert any("someone else" in m for m in messages_of(response))
    assert Shipment.objects.get(pk=shipment.pk).state == S.SUBMITTED

    page = login(client, world.approver).get(shipment.get_absolute_url())
    assert 'id="action-approve"' in page.content.decode() and 'id="reject-form"' in page.content.decode()


def test_buttons_follow_the_role_and_the_state(client):
    world = make_world()
    shipment = world.ship()
    assert login(client, world.sales).get(shipment.get_absolute_url()).context["allowed"] == ["submit", "cancel"]
    assert login(client, world.warehouse_user).get(shipment.get_absolute_url()).context["allowed"] == []
    for step in (submit_shipment, ):
        step(shipment, actor=world.sales)
    approve_shipment(shipment, actor=world.approver)
    assert login(client, world.warehouse_user).get(shipment.get_absolute_url()).context["allowed"] == [
        "start-picking"]
    assert login(client, world.sales).get(shipment.get_absolute_url()).context["allowed"] == []
    assert login(client, world.approver).get(shipment.get_absolute_url()).context["allowed"] == ["cancel"]


def test_dispatch_with_tracking_shows_the_carriers_tracking_link_and_the_order_shipped(client):
    world = make_world()
    shipment = world.ship()
    submit_shipment(shipment, actor=world.sales)
    approve_shipment(shipment, actor=world.approver)
    start_picking(shipment, actor=world.warehouse_user)
    login(client, world.warehouse_user)
    response = client.post(reverse("shipments:shipment_action", args=[shipment.pk, "dispatch"]),
                           {"carrier": world.carrier.pk, "tracking_number": "SF777"}, follow=True)
    html = response.content.decode()
    assert "https://track.example/SF777" in html
    assert Order.objects.get(pk=world.order.pk).fulfilment_status == FulfilmentStatus.SHIPPED


def test_a_transition_no_longer_allowed_is_shown_as_a_message(client):
    world = make_world()
    shipment = world.ship()
    login(client, world.sales)
    response = client.post(reverse("shipments:shipment_action", args=[shipment.pk, "deliver"]), follow=True)
    assert any("while it is Draft" in m for m in messages_of(response))


def test_reject_needs_a_reason_on_the_page(client):
    world = make_world()
    shipment = world.ship()
    submit_shipment(shipment, actor=world.sales)
    login(client, world.approver)
    response = client.post(reverse("shipments:shipment_action", args=[shipment.pk, "reject"]), {"reason": ""},
                           follow=True)
    assert any("Say why" in m for m in messages_of(response))
    client.post(reverse("shipments:shipment_action", args=[shipment.pk, "reject"]), {"reason": "wrong qty"})
    assert Shipment.objects.get(pk=shipment.pk).rejection_reason == "wrong qty"


# ---- bulk by file -------------------------------------------------------------------------------------------

def picking(world, n):
    shipments = []
    for _ in range(n):
        s = world.ship(quantities=[1])
        submit_shipment(s, actor=world.sales)
        approve_shipment(s, actor=world.approver)
        start_picking(s, actor=world.warehouse_user)
        shipments.append(s)
    return shipments


def test_tracking_numbers_by_file_dispatch_every_shipment(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = make_world(quantity=2)
    first, second = picking(world, 2)
    login(client, world.warehouse_user)
    upload = client.post(reverse("shipments:tracking_import"), {"file": csv_file(
        f"发货单号,物流公司,物流单号\n{first.number},{world.carrier.code},SF1\n{second.number},{world.carrier.code},SF2\n")})
    assert upload.status_code == 302, upload.content.decode()[:1500]
    assert client.get(upload["Location"]).status_code == 200
    client.post(upload["Location"])
    assert [(s.state, s.tracking_number) for s in Shipment.objects.order_by("id")] == [
        (S.DISPATCHED, "SF1"), (S.DISPATCHED, "SF2")]
    assert Order.objects.get(pk=world.order.pk).fulfilment_status == FulfilmentStatus.SHIPPED


def test_a_bad_row_in_the_tracking_file_imports_nothing(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = make_world(quantity=2)
    (first,) = picking(world, 1)
    login(client, world.warehouse_user)
    upload = client.post(reverse("shipments:tracking_import"), {"file": csv_file(
        f"shipment no.,carrier code,tracking no.\n{first.number},{world.carrier.code},SF1\nSH9999999,nope,\n")})
    preview = client.get(upload["Location"]).content.decode()
    assert "SH9999999" in preview and "nope" in preview
    client.post(upload["Location"])
    assert Shipment.objects.get().state == S.PICKING


def test_a_row_the_user_may_not_run_refuses_the_whole_file(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = make_world(quantity=2)
    first, second = picking(world, 2)
    login(client, world.sales)  # sales may not dispatch company dispatches
    upload = client.post(reverse("shipments:tracking_import"), {"file": csv_file(
        f"shipment no.,carrier code,tracking no.\n{first.number},{world.carrier.code},SF1\n"
        f"{second.number},{world.carrier.code},SF2\n")})
    response = client.post(upload["Location"], follow=True)
    assert any("Nothing was imported" in m for m in messages_of(response))
    assert {s.state for s in Shipment.objects.all()} == {S.PICKING}


def test_delivered_and_received_by_file(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = make_world(quantity=2)
    shipments = picking(world, 2)
    for s in shipments:
        dispatch_shipment(s, actor=world.warehouse_user, carrier=world.carrier, tracking_number="T")
    login(client, world.sales)
    upload = client.post(reverse("shipments:status_import"), {"file": csv_file(
        f"shipment no.,status\n{shipments[0].number},delivered\n{shipments[1].number},已送达\n")})
    client.post(upload["Location"])
    assert Order.objects.get(pk=world.order.pk).fulfilment_status == FulfilmentStatus.DELIVERED
    upload = client.post(reverse("shipments:status_import"), {"file": csv_file(
        f"shipment no.,status\n{shipments[0].number},received\n{shipments[1].number},签收\n")})
    client.post(upload["Location"])
    assert {s.state for s in Shipment.objects.all()} == {S.RECEIVED}
    assert Order.objects.get(pk=world.order.pk).fulfilment_status == FulfilmentStatus.RECEIVED


def test_the_approver_home_queue_lists_submitted_shipments_not_entered_by_them(client, make_user):
    world = make_world(quantity=3)
    both = make_user("sales", "approver")
    theirs = world.ship(quantities=[1])
    mine = world.ship(quantities=[1], actor=both)
    submit_shipment(theirs, actor=world.sales)
    submit_shipment(mine, actor=both)
    html = login(client, both).get(reverse("reports:home")).content.decode()
    assert theirs.number in html and mine.number not in html


def test_the_order_page_and_api_open_quantity_follow_the_shipments(client):
    from orders.selectors import lines_with_open_quantity
    from shipments.selectors import order_lines_with_open_quantity

    world = make_world(quantity=5)
    world.ship(quantities=[2])
    rejected = world.ship(quantities=[1])
    submit_shipment(rejected, actor=world.sales)
    reject_shipment(rejected, actor=world.approver, reason="x")
    world.ship(quantities=[1], purpose="exchange")
    assert lines_with_open_quantity(world.order)[0].open_quantity == 3
    assert order_lines_with_open_quantity(world.order.pk)[0].open_quantity == 3
