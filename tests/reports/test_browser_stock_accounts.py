"""The inventory analysis and reconciliation dashboards on a phone (390×844): the charts draw, nothing is wider
than the screen, a row of a card leads to the filtered list behind it, and the card's export link hands out
the file. Screenshots are kept under test-artifacts/."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from inventory import documents
from reconciliation import statements
from reconciliation.models import SupplierAccountEntry
from tests.browser.helpers import horizontal_overflow, login, screenshot
from tests.factories import ProductFactory, SupplierFactory, WarehouseFactory

pytestmark = pytest.mark.browser


def stock(make_user):
    """Two warehouses with received stock (supplier entries posted), one supplier's entries reconciled."""
    keeper = make_user("warehouse", username="wanda")
    finance, supervisor = make_user("finance", username="fiona"), make_user("finance_supervisor", username="sam")
    supplier = SupplierFactory(name="Hangzhou Silk")
    main, south = WarehouseFactory(name="Shanghai main"), WarehouseFactory(name="Guangzhou south")
    scarf = ProductFactory(sku="SCARF-1", default_supplier=supplier, supplier_unit_cost=Decimal("10.00"),
                           low_stock_threshold=50)
    for warehouse, quantity in ((main, 40), (south, 7)):
        receipt = documents.create_goods_receipt(supplier=supplier, warehouse=warehouse, actor=keeper, lines=[
            documents.ReceiptLineData(scarf.pk, quantity, Decimal("10.00"))])
        documents.post_goods_receipt(receipt, actor=keeper)
    today = timezone.localdate()
    first = SupplierAccountEntry.objects.filter(supplier=supplier).order_by("pk").first()
    statement = statements.build_statement(supplier=supplier, period_from=today, period_to=today,
                                           entry_ids=[first.pk], actor=finance)
    statements.submit_statement(statement, actor=finance)
    statements.approve_statement(statement, actor=supervisor)
    return main, south


def test_the_inventory_and_reconciliation_dashboards_on_a_phone(phone_page, make_user):
    page = phone_page
    main, south = stock(make_user)
    make_user("manager", username="mona")

    login(page, "mona")
    page.goto(reverse("reports:inventory"))
    expect(page.locator("#dashboard-filters")).to_be_hidden()  # folded on a phone
    expect(page.locator("#chart-stock-by-warehouse canvas")).not_to_have_count(0)
    expect(page.locator("#table-stock-by-warehouse tbody tr")).to_have_count(2)
    expect(page.locator("#table-low-stock tbody tr")).to_have_count(2)  # 40 and 7 below the threshold of 50
    assert horizontal_overflow(page) == 0
    screenshot(page, "reports-inventory-phone")

    with page.expect_download() as download:
        page.locator("#card-stock-by-warehouse .export-link", has_text="CSV").click()
    assert download.value.suggested_filename.startswith("inventory-stock-by-warehouse")

    page.locator("#table-stock-by-warehouse a", has_text="Guangzhou south").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("inventory:balance_list")) + rf"\?.*warehouse={south.pk}"))
    expect(page.locator("#balance-table tbody tr")).to_have_count(1)
    expect(page.locator("#balance-table tbody")).to_contain_text("SCARF-1")

    page.goto(reverse("reports:reconciliation"))
    expect(page.locator("#chart-reconciled-by-supplier canvas")).not_to_have_count(0)
    expect(page.locator("#table-reconciled-by-supplier tbody")).to_contain_text("Hangzhou Silk")
    assert horizontal_overflow(page) == 0
    screenshot(page, "reports-reconciliation-phone")
    page.locator("#table-ageing a", has_text="0-30").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("reconciliation:entry_list")) + r"\?.*status=open"))
    expect(page.locator("#entry-list-table tbody tr")).to_have_count(1)  # the receipt not on the statement
    screenshot(page, "reports-reconciliation-phone-open-entries")
