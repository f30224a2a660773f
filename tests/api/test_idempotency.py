"""A client that retries: with an `Idempotency-Key` every creating call is done once, whatever the number of
retries — the same key and body answer the first response again; the same key with another body is 422."""

from decimal import Decimal

import pytest
from django.utils import timezone

from aftersales.models import Ticket, TicketNote
from catalog.models import Warehouse
from core.models import IdempotencyKey
from inventory.models import GoodsReceipt, StockBalance, StockLedgerEntry
from orders.models import FulfilmentStatus, Invoice, Order
from orders.services import set_fulfilment_status
from reconciliation.models import EntryKind, Statement, StatementPayment, StatementState, SupplierAccountEntry
from shipments.models import Shipment
from tests.aftersales.factories import dispatch_units
from tests.factories import ProductFactory, StoreFactory, SupplierFactory, UserFactory, WarehouseFactory
from tests.orders.factories import OrderFactory, OrderLineFactory
from tests.reconciliation.factories import MIXED, build, post_entries
from tests.shipments.factories import make_world

pytestmark = pytest.mark.django_db


def post(client, url, data=None, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(url, data if data is not None else {}, content_type="application/json", **headers)


def assert_replayed(first, retry):
    assert retry.status_code == first.status_code
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")


def test_a_retried_goods_receipt_adds_the_stock_and_the_payable_once(api_client):
    client, _clerk = api_client("warehouse")
    supplier, warehouse, tea = SupplierFactory(), WarehouseFactory(), ProductFactory()
    body = {"supplier": supplier.pk, "warehouse": warehouse.pk, "post": True,
            "lines": [{"product": tea.pk, "quantity": 20, "unit_cost": "2.50"}]}

    first = post(client, "/api/v1/stock/receipts", body, key="gr-7f3a")
    retry = post(client, "/api/v1/stock/receipts", body, key="gr-7f3a")

    assert first.status_code == 201, first.json()
    assert_replayed(first, retry)
    assert GoodsReceipt.objects.count() == 1
    assert StockBalance.objects.get(product=tea, warehouse=warehouse).on_hand == 20  # not 40
    assert StockLedgerEntry.objects.filter(product=tea).count() == 1
    payable = SupplierAccountEntry.objects.filter(supplier=supplier, kind=EntryKind.GOODS_RECEIPT)
    assert [entry.amount for entry in payable] == [Decimal("50.00")]  # not two of them

    without_key = post(client, "/api/v1/stock/receipts", body)  # a new receipt, as before
    assert without_key.status_code == 201 and without_key.json()["id"] != first.json()["id"]
    assert StockBalance.objects.get(product=tea, warehouse=warehouse).on_hand == 40


def test_a_retried_payment_is_paid_once(api_client):
    supplier = SupplierFactory()
    finance, builder = api_client("finance")
    supervisor, _s = api_client("finance_supervisor")
    statement = build(supplier, post_entries(supplier, MIXED), builder)
    at = f"/api/v1/statements/{statement.pk}/transitions"
    assert post(finance, f"{at}/submit", key="st-submit").status_code == 200
    assert post(finance, f"{at}/submit", key="st-submit").status_code == 200  # replayed, not a 409
    assert post(supervisor, f"{at}/approve", key="st-approve").status_code == 200
    payment = {"amount": "500.00", "paid_on": "2026-04-01", "method": "bank_transfer", "reference": "TT-1"}

    first = post(finance, f"/api/v1/statements/{statement.pk}/payments", payment, key="pay-1")
    retries = [post(finance, f"/api/v1/statements/{statement.pk}/payments", payment, key="pay-1") for _ in range(3)]

    assert first.status_code == 201, first.json()
    for retry in retries:
        assert_replayed(first, retry)
    statement = Statement.objects.get(pk=statement.pk)
    assert statement.paid == Decimal("500.00") and statement.state == StatementState.PARTIALLY_PAID
    assert StatementPayment.objects.filter(statement=statement).count() == 1


def test_a_retried_ticket_is_registered_once_and_charges_back_once(api_client):
    sales_client, _sales = api_client("sales")
    approver_client, _approver = api_client("approver")
    warehouse_client, _wh = api_client("warehouse")
    line = OrderLineFactory(quantity=2)
    dispatch_units(line, 2)
    ticket = {"type": "return_refund", "order": line.order.pk, "reason": "quality",
              "lines": [{"order_line": line.pk, "quantity": 1}], "supplier": line.product.default_supplier_id,
              "return_destination": "warehouse", "return_warehouse": WarehouseFactory().pk,
              "charge_back": True, "charge_back_amount": "10.00"}

    first = post(sales_client, "/api/v1/aftersales/tickets", ticket, key="tk-1")
    retry = post(sales_client, "/api/v1/aftersales/tickets", ticket, key="tk-1")

    assert first.status_code == 201, first.json()
    assert_replayed(first, retry)
    assert Ticket.objects.filter(order=line.order).count() == 1
    url = f"/api/v1/aftersales/tickets/{first.json()['id']}"
    note = {"text": "customer called", "channel": "phone"}  # a multipart form, as notes take files
    noted = sales_client.post(f"{url}/notes", note, HTTP_IDEMPOTENCY_KEY="note-1")
    assert noted.status_code == 201, noted.json()
    assert_replayed(noted, sales_client.post(f"{url}/notes", note, HTTP_IDEMPOTENCY_KEY="note-1"))
    assert TicketNote.objects.filter(ticket_id=first.json()["id"]).count() == 1
    for client, name in ((sales_client, "submit"), (approver_client, "approve"), (warehouse_client, "receive_return")):
        done = post(client, f"{url}/transitions/{name}", key=f"tk-1-{name}")
        assert done.status_code == 200, done.json()
        assert_replayed(done, post(client, f"{url}/transitions/{name}", key=f"tk-1-{name}"))  # not a 409
    refund = {"refund_amount": "99.00", "refund_date": timezone.localdate().isoformat(), "refund_reference": "R1"}
    assert post(sales_client, f"{url}/transitions/resolve", refund, key="tk-1-resolve").status_code == 200
    assert post(sales_client, f"{url}/transitions/resolve", refund, key="tk-1-resolve").status_code == 200
    charge_backs = SupplierAccountEntry.objects.filter(kind=EntryKind.CHARGE_BACK)
    assert [entry.amount for entry in charge_backs] == [Decimal("-10.00")]


def test_a_retried_shipment_and_its_transitions_happen_once(api_client):
    world = make_world(quantity=2)
    sales, _ = api_client(user=world.sales)
    approver, _ = api_client(user=world.approver)
    body = {"order": world.order.pk, "kind": "company_dispatch", "warehouse": world.warehouse.pk,
            "lines": [{"order_line": world.lines[0].pk, "quantity": 1}], "submit": True}

    first = post(sales, "/api/v1/shipments", body, key="sh-1")
    retry = post(sales, "/api/v1/shipments", body, key="sh-1")

    assert first.status_code == 201, first.json()
    assert_replayed(first, retry)
    assert Shipment.objects.filter(order=world.order).count() == 1  # the other unit is still open
    approve = f"/api/v1/shipments/{first.json()['id']}/approve"
    approved = post(approver, approve, key="sh-1-approve")
    assert approved.json()["state"] == "approved"
    assert_replayed(approved, post(approver, approve, key="sh-1-approve"))
    assert post(approver, approve).status_code == 409  # without the key: the transition is not allowed twice
    balance = StockBalance.objects.get(product=world.lines[0].product, warehouse=world.warehouse)
    assert balance.reserved == 1


def test_a_retried_statement_and_order_are_made_once(api_client):
    supplier = SupplierFactory()
    entries = post_entries(supplier, MIXED)
    finance, _f = api_client("finance")
    body = {"supplier": supplier.pk, "period_from": "2026-01-01", "period_to": "2026-03-31",
            "entry_ids": [entries[0].pk]}
    first = post(finance, "/api/v1/statements", body, key="st-1")
    assert first.status_code == 201, first.json()
    assert_replayed(first, post(finance, "/api/v1/statements", body, key="st-1"))  # not a 409 "entry taken"
    assert Statement.objects.count() == 1

    sales_client, sales = api_client("sales")
    store, product = StoreFactory(salesperson=sales), ProductFactory(sku="IDEM-1")
    order = {"store": store.pk, "external_order_no": "K-1", "ordered_at": "2026-11-20T10:30:00+08:00",
             "recipient_name": "Ann", "recipient_phone": "1", "recipient_address": "1 Main St",
             "lines": [{"sku": product.sku, "quantity": 2, "unit_price": "9.90"}]}
    created = post(sales_client, "/api/v1/orders", order, key="ord-1")
    assert created.status_code == 201
    assert_replayed(created, post(sales_client, "/api/v1/orders", order, key="ord-1"))  # the first 201 again
    assert post(sales_client, "/api/v1/orders", order).status_code == 200  # the natural key still holds
    assert Order.objects.filter(store=store).count() == 1


def test_the_same_key_with_another_body_is_a_422_and_changes_nothing(api_client):
    client, _clerk = api_client("warehouse")
    supplier, warehouse, tea = SupplierFactory(), WarehouseFactory(), ProductFactory()
    body = {"supplier": supplier.pk, "warehouse": warehouse.pk, "post": True,
            "lines": [{"product": tea.pk, "quantity": 5, "unit_cost": "1.00"}]}
    assert post(client, "/api/v1/stock/receipts", body, key="k-1").status_code == 201
    other = {**body, "lines": [{"product": tea.pk, "quantity": 500, "unit_cost": "1.00"}]}

    refused = post(client, "/api/v1/stock/receipts", other, key="k-1")

    assert refused.status_code == 422
    assert set(refused.json()) == {"detail", "errors"}
    assert "another request" in refused.json()["errors"]["Idempotency-Key"][0]
    assert StockBalance.objects.get(product=tea, warehouse=warehouse).on_hand == 5
    elsewhere = post(client, f"/api/v1/stock/receipts/{GoodsReceipt.objects.get().pk}/post", {}, key="k-1")
    assert elsewhere.status_code == 422  # one key, one request: not reusable on another endpoint
    reordered = {"lines": body["lines"], "post": True, "warehouse": warehouse.pk, "supplier": supplier.pk}
    assert post(client, "/api/v1/stock/receipts", reordered, key="k-1").status_code == 201  # same JSON object
    assert GoodsReceipt.objects.count() == 1


def test_an_error_answer_is_not_kept_so_the_corrected_request_runs_under_the_same_key(api_client):
    client, _clerk = api_client("warehouse")
    supplier, warehouse, tea = SupplierFactory(), WarehouseFactory(), ProductFactory()
    bad = {"supplier": supplier.pk, "warehouse": warehouse.pk + 1000, "post": True,
           "lines": [{"product": tea.pk, "quantity": 5, "unit_cost": "1.00"}]}
    first = post(client, "/api/v1/stock/receipts", bad, key="k-2")
    assert first.status_code == 400 and "warehouse" in first.json()["errors"]
    assert not IdempotencyKey.objects.exists()

    corrected = post(client, "/api/v1/stock/receipts", {**bad, "warehouse": warehouse.pk}, key="k-2")

    assert corrected.status_code == 201
    assert StockBalance.objects.get(product=tea, warehouse=warehouse).on_hand == 5


def test_keys_are_per_user_and_must_be_sensible(api_client):
    one, _u1 = api_client("warehouse")
    two, _u2 = api_client("warehouse")
    supplier, warehouse, tea = SupplierFactory(), WarehouseFactory(), ProductFactory()
    body = {"supplier": supplier.pk, "warehouse": warehouse.pk, "post": True,
            "lines": [{"product": tea.pk, "quantity": 3, "unit_cost": "1.00"}]}
    assert post(one, "/api/v1/stock/receipts", body, key="shared").status_code == 201
    assert post(two, "/api/v1/stock/receipts", body, key="shared").status_code == 201  # another user's key
    assert GoodsReceipt.objects.count() == 2

    for key in ("", "   ", "x" * 256, "a\tb"):
        refused = post(one, "/api/v1/stock/receipts", body, key=key)
        assert refused.status_code == 422, key
        assert list(refused.json()["errors"]) == ["Idempotency-Key"]
    assert GoodsReceipt.objects.count() == 2
    unauthenticated = post(type(one)(), "/api/v1/stock/receipts", body, key="")
    assert unauthenticated.status_code == 401


def test_the_openapi_document_declares_the_header_on_creating_calls_only(api_client):
    client, _user = api_client("manager")
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    def header_of(operation):
        return [p for p in operation.get("parameters", []) if p["in"] == "header" and p["name"] == "Idempotency-Key"]

    posts = {path: ops["post"] for path, ops in paths.items() if "post" in ops}
    for path in ("/api/v1/orders", "/api/v1/orders/bulk", "/api/v1/stock/receipts", "/api/v1/shipments",
                 "/api/v1/shipments/{shipment_id}/approve", "/api/v1/aftersales/tickets",
                 "/api/v1/aftersales/tickets/{ticket_id}/notes", "/api/v1/statements",
                 "/api/v1/statements/{statement_id}/payments", "/api/v1/orders/{order_id}/invoice"):
        operation = posts[path]
        assert len(header_of(operation)) == 1, path
        assert "422" in operation["responses"], path
    missing = [path for path, operation in posts.items() if not header_of(operation)]
    assert missing == []
    gets = [ops["get"] for ops in paths.values() if "get" in ops]
    assert gets and not any(header_of(operation) for operation in gets)


def test_an_administrator_sees_which_keyed_calls_went_through(api_client, admin_client):
    client, clerk = api_client("warehouse")
    supplier, warehouse, tea = SupplierFactory(), WarehouseFactory(), ProductFactory()
    body = {"supplier": supplier.pk, "warehouse": warehouse.pk, "post": True,
            "lines": [{"product": tea.pk, "quantity": 1, "unit_cost": "1.00"}]}
    assert post(client, "/api/v1/stock/receipts", body, key="erp-sync-2026-12-03-0001").status_code == 201

    page = admin_client.get("/admin/core/idempotencykey/", {"q": "erp-sync-2026-12-03"})

    assert page.status_code == 200
    text = page.content.decode()
    assert "erp-sync-2026-12-03-0001" in text and "/api/v1/stock/receipts" in text and clerk.username in text
    key = IdempotencyKey.objects.get()
    assert admin_client.get(f"/admin/core/idempotencykey/{key.pk}/change/").status_code == 200
    assert admin_client.get("/admin/core/idempotencykey/add/").status_code == 403


def test_a_retried_commercial_invoice_and_catalog_record_are_made_once(api_client):
    finance, _f = api_client("finance")
    order = OrderFactory()
    OrderLineFactory(order=order, quantity=2, unit_price=Decimal("25.00"))
    set_fulfilment_status(order, status=FulfilmentStatus.RECEIVED)
    url = f"/api/v1/orders/{order.pk}/invoice"

    first = post(finance, url, {"kind": "commercial"}, key="inv-1")
    retry = post(finance, url, {"kind": "commercial"}, key="inv-1")

    assert first.status_code == 201, first.json()
    assert_replayed(first, retry)  # the first 201, not a 409 "already invoiced"
    assert Invoice.objects.filter(order=order).count() == 1

    administrator, _admin = api_client(user=UserFactory(is_superuser=True, is_staff=True))
    body = {"code": "WH-IDEM", "name": "Idem warehouse"}
    created = post(administrator, "/api/v1/catalog/warehouses/", body, key="wh-1")
    assert created.status_code == 201, created.json()
    assert_replayed(created, post(administrator, "/api/v1/catalog/warehouses/", body, key="wh-1"))
    assert Warehouse.objects.filter(name="Idem warehouse").count() == 1
