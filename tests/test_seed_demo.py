"""`manage.py seed_demo` (run by `make run`) gives every role a login and something to do: orders,
shipments in each state, tickets, a statement — all made through the services, built layer on layer by
each app's own demo module, and a second run changes nothing."""

import ast
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.demo import DEMO_USERS
from accounts.models import User
from aftersales.models import Ticket
from catalog.models import Product, Store
from core.management.commands.seed_demo import demo_modules
from core.models import TransitionLog
from inventory.models import GoodsReceipt, StockBalance, StockLedgerEntry
from notifications.models import Notification
from orders.models import Order
from portal.demo import SUPPLIER_LOGINS
from reconciliation.models import Statement, SupplierAccountEntry
from shipments.models import Shipment
from shipments.selectors import shipments_awaiting_dispatch

pytestmark = pytest.mark.django_db

COUNTED = [User, Store, Product, GoodsReceipt, StockLedgerEntry, StockBalance, Order, Shipment, Ticket,
           SupplierAccountEntry, Statement, TransitionLog, Notification]
LOGINS = [username for username, *_rest in DEMO_USERS] + ["admin"] + [u for u, *_rest in SUPPLIER_LOGINS]


def seed():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture
def seeded(db):
    return seed()


def test_a_second_run_finds_everything_and_changes_nothing(seeded):
    first = counts()
    assert first["Order"] == 7 and first["Shipment"] == 6 and first["Ticket"] == 2 and first["Statement"] == 1

    output = seed()

    assert counts() == first
    assert "nothing changed" in output


def test_the_demo_logins_are_printed_one_per_role_plus_admin(seeded):
    assert "Demo logins (password 'demo'):" in seeded
    for username in LOGINS:
        assert f"  {username} " in seeded


@pytest.mark.parametrize("username", LOGINS)
def test_every_demo_login_logs_in_and_lands_on_its_home_page(seeded, client, username):
    response = client.post(reverse("accounts:login"), {"username": username, "password": "demo"}, follow=True)

    assert response.status_code == 200
    expected = "portal:home" if username.startswith("supplier") else "reports:home"
    assert response.redirect_chain[-1][0] == reverse(expected)


def test_shipments_stand_in_every_state_with_the_right_actors(seeded):
    states = dict(Shipment.objects.values_list("order__external_order_no", "state"))
    assert states == {"DEMO-1001": "draft", "DEMO-1002": "submitted", "DEMO-1003": "approved",
                      "DEMO-1004": "dispatched", "DEMO-1005": "received", "DEMO-1006": "delivered"}
    approved = Shipment.objects.exclude(approved_by=None)
    assert approved.count() == 4
    assert all(s.approved_by.username == "approver" and s.entered_by.username == "sales" for s in approved)
    assert Order.objects.get(external_order_no="DEMO-1005").fulfilment_status == "received"


def test_the_warehouse_queue_holds_the_approved_company_dispatch(seeded, client):
    queued = list(shipments_awaiting_dispatch())
    assert [s.order.external_order_no for s in queued] == ["DEMO-1003"]

    client.login(username="warehouse", password="demo")
    page = client.get(reverse("shipments:queue"))
    assert page.status_code == 200
    assert queued[0].number in page.content.decode()
    home = client.get(reverse("reports:home")).content.decode()
    assert Ticket.objects.get(type="return_refund").number in home  # the return to receive
    # the dispatch queue heads the warehouse card, each row a link to its shipment
    assert f'href="{queued[0].get_absolute_url()}"' in home


def test_the_approver_home_shows_the_submitted_shipment_to_approve(seeded, client):
    client.login(username="approver", password="demo")
    home = client.get(reverse("reports:home")).content.decode()

    submitted = Shipment.objects.get(state="submitted")
    assert f"{submitted.number} · DEMO-1002" in home


def test_finance_and_sales_homes_have_work_too(seeded, client):
    statement = Statement.objects.get()
    client.login(username="finance", password="demo")
    assert statement.number in client.get(reverse("reports:home")).content.decode()

    client.login(username="sales", password="demo")
    assert "DEMO-1007" in client.get(reverse("reports:home")).content.decode()


def test_stock_ledger_and_supplier_account_were_written_by_the_services(seeded):
    for balance in StockBalance.objects.all():
        rows = StockLedgerEntry.objects.filter(product=balance.product, warehouse=balance.warehouse)
        signed = sum(r.quantity if r.direction == "in" else -r.quantity for r in rows)
        assert signed == balance.on_hand
    assert StockBalance.objects.get(product__sku="MUG-CERAMIC", warehouse__code="sh-main").reserved == 4
    kinds = set(SupplierAccountEntry.objects.values_list("kind", flat=True))
    assert kinds == {"goods_receipt", "drop_ship_goods", "freight", "manufacturer_compensation"}
    statement = Statement.objects.get()
    assert statement.state == "draft" and statement.supplier.code == "hz-textile"
    assert statement.entries.count() == SupplierAccountEntry.objects.filter(supplier__code="hz-textile").count()
    tickets = dict(Ticket.objects.values_list("type", "state"))
    assert tickets == {"return_refund": "awaiting_return", "compensation": "resolved"}


def test_refused_with_production_settings_and_nothing_written(db, settings):
    settings.DEMO_DATA_ALLOWED = False
    before = counts()

    with pytest.raises(CommandError, match="refuses to run with production settings"):
        seed()

    assert counts() == before


def test_each_app_seeds_its_own_data_and_no_layer_imports_a_higher_one():
    """The command (in core) imports no project app; each demo module imports only its own layer or lower."""
    project = [c.name for c in apps.get_app_configs() if Path(c.path).resolve().is_relative_to(settings.BASE_DIR)]
    layer = {name: index for index, name in enumerate(project)}
    found = [label for label, _module in demo_modules()]
    assert found == ["accounts", "catalog", "inventory", "orders", "shipments", "aftersales", "reconciliation",
                     "portal"]

    def imported_apps(path):
        tree = ast.parse(Path(path).read_text())
        names = {n.name for node in ast.walk(tree) if isinstance(node, ast.Import) for n in node.names}
        names |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
                  and node.level == 0}
        return {name.split(".")[0] for name in names} & set(layer)

    command = Path(settings.BASE_DIR) / "core/management/commands/seed_demo.py"
    assert imported_apps(command) == set()
    for label, module in demo_modules():
        own = apps.get_app_config(label).name
        assert all(layer[other] <= layer[own] for other in imported_apps(module.__file__)), label
