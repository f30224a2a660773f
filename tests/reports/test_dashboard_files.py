"""Who opens the inventory and reconciliation dashboards, and the files every dashboard hands out: any table
as CSV or XLSX (in the request, or over EXPORT_SYNC_MAX_ROWS as an export job with its page and download),
and the printable PDF of a dashboard through the PDF job mechanism (real WeasyPrint)."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from core.models import JobFormat, PdfJob, PdfJobState
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

INVENTORY, RECONCILIATION = "/reports/inventory/", "/reports/reconciliation/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def csv_rows(data):
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


# ---- access ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("roles", "inventory", "reconciliation"), [
    (("warehouse",), 200, 403),
    (("manager",), 200, 200),
    (("finance",), 403, 200),
    (("finance_supervisor",), 403, 200),
    (("sales",), 403, 403),
    (("approver",), 403, 403),
])
def test_who_opens_the_inventory_and_reconciliation_dashboards(client, roles, inventory, reconciliation):
    client.force_login(UserFactory(roles=roles))
    assert client.get(INVENTORY).status_code == inventory
    assert client.get(RECONCILIATION).status_code == reconciliation
    # nobody exports a table of a dashboard they may not open
    assert client.get(INVENTORY, {"_export": "csv", "table": "stock-by-warehouse"}).status_code == inventory


def test_a_supplier_login_is_sent_to_its_portal_and_anonymous_to_the_login(client):
    for url in (INVENTORY, RECONCILIATION, INVENTORY + "?_export=csv&table=stock-age"):
        assert client.get(url).status_code == 302 and "login" in client.get(url).url
    client.force_login(UserFactory(roles=("supplier",)))
    for url in (INVENTORY, RECONCILIATION):
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("portal:home")


# ---- exports ---------------------------------------------------------------------------------------------

def test_a_table_exports_as_csv_with_the_figures_of_its_card(world, client):
    client.force_login(world.people["manager"])
    card = {c.id: c for c in client.get(INVENTORY).context["charts"]}["stock-by-warehouse"]
    response = client.get(INVENTORY, {"_export": "csv", "table": "stock-by-warehouse"})
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert "inventory-stock-by-warehouse" in response["Content-Disposition"]
    rows = csv_rows(body(response))
    assert rows[0] == ["Warehouse", "Units on hand", "Value at supplier cost", "Reserved", "Products in stock"]
    assert [[r[0], int(r[1]), Decimal(r[2]), int(r[3]), int(r[4])] for r in rows[1:]] == [
        [row.label, *row.values] for row in card.rows]


def test_a_table_exports_as_xlsx_with_numbers_kept_numbers(world, client):
    client.force_login(world.people["finance"])
    response = client.get(RECONCILIATION, {"_export": "xlsx", "table": "reconciled-by-supplier",
                                           "period": "last_7"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(body(response))).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:3] == ["Supplier", "Reconciled", "Remaining"]
    names = {s.name for s in world.suppliers}
    assert {r[0] for r in rows[1:]} == names
    assert all(isinstance(value, int | float) for r in rows[1:] for value in r[1:])


def test_a_list_card_exports_every_row_not_only_the_page(world, client, monkeypatch):
    from reports import inventory_dashboard

    monkeypatch.setattr(inventory_dashboard, "PAGE_ROWS", 1)
    client.force_login(world.people["warehouse"])
    assert len({c.id: c for c in client.get(INVENTORY).context["charts"]}["slow-movers"].rows) == 1
    rows = csv_rows(body(client.get(INVENTORY, {"_export": "csv", "table": "slow-movers"})))
    assert rows[0][:3] == ["SKU", "Warehouse", "On hand"]
    assert len(rows) - 1 == 3 and {r[0] for r in rows[1:]} == {"W-SCARF", "W-BUDS", "W-IDLE"}


def test_an_unknown_table_or_format_is_refused_plainly(world, client):
    client.force_login(world.people["manager"])
    assert client.get(INVENTORY, {"_export": "csv", "table": "nope"}).status_code == 404
    assert client.get(INVENTORY, {"_export": "pdf", "table": "stock-age"}).status_code == 400


def test_a_large_table_export_becomes_a_job_with_progress_and_a_download(
    world, client, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_SYNC_MAX_ROWS = 1
    client.force_login(world.people["finance"])
    query = {"_export": "xlsx", "table": "ageing", "supplier": world.suppliers[1].pk}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(RECONCILIATION, query)
    job = PdfJob.objects.get(created_by=world.people["finance"])
    assert response.status_code == 302 and response.url == reverse("core:job_detail", args=[job.pk])
    assert job.state == PdfJobState.DONE and job.file_format == JobFormat.XLSX and job.total_count == 4
    assert job.parameters["url_name"] == "reports:reconciliation" and "_export" not in job.parameters["query"]
    assert "Download XLSX" in client.get(response.url).content.decode()

    download = client.get(reverse("core:job_download", args=[job.pk]))
    assert download.status_code == 200 and "reconciliation-ageing" in download["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(body(download))).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    card = {c.id: c for c in client.get(RECONCILIATION, {"supplier": world.suppliers[1].pk}).context["charts"]}
    assert rows[1:] == [[row.label, float(row.values[0]), row.values[1]] for row in card["ageing"].rows]
    # another user never sees the job or its file
    client.force_login(world.people["manager"])
    assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404


def test_an_export_job_fails_with_a_message_when_its_requester_lost_the_dashboard(
    world, client, settings, django_capture_on_commit_callbacks
):
    from core.pdf import run_pdf_job

    settings.EXPORT_SYNC_MAX_ROWS = 1
    user = UserFactory(roles=("warehouse",))
    client.force_login(user)
    response = client.get(INVENTORY, {"_export": "csv", "table": "stock-age"})  # queued, not run yet
    job = PdfJob.objects.get(created_by=user)
    assert response.status_code == 302 and job.state == PdfJobState.QUEUED
    user.groups.clear()
    job = run_pdf_job(job.pk)
    assert job.state == PdfJobState.FAILED and "may no longer open" in job.error


# ---- the printable PDF -----------------------------------------------------------------------------------

def test_a_dashboard_prints_to_a_pdf_through_a_job(world, client, django_capture_on_commit_callbacks):
    client.force_login(world.people["warehouse"])
    page = client.get(INVENTORY, {"warehouse": world.warehouses[0].pk}).content.decode()
    assert 'id="dashboard-pdf-form"' in page and "Print (PDF)" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:dashboard_pdf"), {
            "dashboard": "reports:inventory", "query": f"warehouse={world.warehouses[0].pk}"})
    job = PdfJob.objects.get(created_by=world.people["warehouse"], kind="dashboard")
    assert response.status_code == 302 and response.url == reverse("core:job_detail", args=[job.pk])
    assert job.state == PdfJobState.DONE, job.error
    data = body(client.get(reverse("core:job_download", args=[job.pk])))
    assert data.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Inventory analysis" in text and "Stock by warehouse" in text and "Shanghai" in text
    assert "Guangzhou" not in text  # the warehouse filter applies to the print too
    assert "W-PILLOW" in text  # the low-stock table


def test_a_dashboard_pdf_is_refused_to_who_may_not_open_the_dashboard(world, client):
    client.force_login(world.people["warehouse"])
    url = reverse("reports:dashboard_pdf")
    assert client.post(url, {"dashboard": "reports:reconciliation"}).status_code == 403
    assert client.post(url, {"dashboard": "core:job_detail"}).status_code == 403  # not a dashboard
    assert client.get(url).status_code == 405
    assert not PdfJob.objects.filter(created_by=world.people["warehouse"]).exists()


# ---- constant queries per page ---------------------------------------------------------------------------

def page_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_dashboards_read_a_constant_number_of_queries_whatever_the_data(world, client):
    """More warehouses, products, movements, low and idle stock, entries and statements: the same number of
    queries (every figure is a grouped query; no query per row)."""
    from inventory import documents
    from reconciliation import statements
    from reconciliation.models import SupplierAccountEntry
    from tests.factories import ProductFactory, SupplierFactory, WarehouseFactory

    client.force_login(world.people["manager"])
    before = {url: page_queries(client, url) for url in (INVENTORY, RECONCILIATION)}
    wh, fin = world.people["warehouse"], world.people["finance"]
    for _ in range(3):
        supplier, warehouse = SupplierFactory(), WarehouseFactory()
        products = [ProductFactory(default_supplier=supplier, low_stock_threshold=50) for _ in range(3)]
        receipt = documents.create_goods_receipt(supplier=supplier, warehouse=warehouse, actor=wh, lines=[
            documents.ReceiptLineData(p.pk, 5, Decimal("2.00")) for p in products])
        documents.post_goods_receipt(receipt, actor=wh)
        entry = SupplierAccountEntry.objects.filter(supplier=supplier).first()
        statement = statements.build_statement(supplier=supplier, period_from=entry.entry_date,
                                               period_to=entry.entry_date, entry_ids=[entry.pk], actor=fin)
        statements.submit_statement(statement, actor=fin)
    after = {url: page_queries(client, url) for url in (INVENTORY, RECONCILIATION)}
    assert after == before


# ---- every table of every dashboard exports -----------------------------------------------------------------

LIST_CARDS = {"low-stock", "slow-movers", "awaiting-statements"}
DASHBOARD_URLS = ["/reports/shipping/", "/reports/after-sales/", "/reports/scorecard/", "/reports/monitoring/",
                  INVENTORY, RECONCILIATION]


@pytest.mark.parametrize("url", DASHBOARD_URLS)
def test_every_card_of_every_dashboard_exports_its_figures(world, client, url):
    client.force_login(world.people["manager"])
    page = client.get(url)
    assert page.status_code == 200
    for chart in page.context["charts"]:
        assert f"table={chart.id}" in page.content.decode()  # the card's CSV/XLSX links
        rows = csv_rows(body(client.get(url, {"_export": "csv", "table": chart.id})))
        if chart.id in LIST_CARDS:  # every row, its label split into columns (checked above for two of them)
            assert len(rows) - 1 == len(chart.rows), chart.id
            continue
        assert rows[0] == [str(chart.label_header), *map(str, chart.headers)], chart.id
        assert [r[0] for r in rows[1:]] == [str(row.label) for row in chart.rows], chart.id
        for exported, row in zip(rows[1:], chart.rows, strict=True):
            assert [Decimal(v) if v else None for v in exported[1:]] == [
                None if v is None else Decimal(str(v)) for v in row.values], (chart.id, row.label)


# ---- a saved view's table exports the same way --------------------------------------------------------------

def test_a_saved_view_exports_its_table_and_another_users_view_stays_hidden(world, client, settings,
                                                                             django_capture_on_commit_callbacks):
    from reports import saved_views
    from reports.saved_views import ViewData

    manager = world.people["manager"]
    view = saved_views.save_view(owner=manager, data=ViewData(
        name="订单 per store", dataset="orders", dimensions=["store"], measures=["orders", "units"],
        filters={"period": "last_7"}))
    client.force_login(manager)
    url = reverse("reports:view_detail", args=[view.pk])
    card = client.get(url).context["charts"][0]
    assert f"table={card.id}" in client.get(url).content.decode()
    rows = csv_rows(body(client.get(url, {"_export": "csv", "table": card.id})))
    assert [r[0] for r in rows[1:]] == [str(row.label) for row in card.rows] and len(rows) == 3  # two stores
    assert [[int(v) for v in r[1:]] for r in rows[1:]] == [list(row.values) for row in card.rows]

    settings.EXPORT_SYNC_MAX_ROWS = 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(url, {"_export": "xlsx", "table": card.id})
    job = PdfJob.objects.get(created_by=manager, kind="export")
    assert response.status_code == 302 and job.state == PdfJobState.DONE, job.error
    assert job.parameters["title"] == "订单 per store"

    client.force_login(world.people["finance"])  # not shared with finance: as if it did not exist
    assert client.get(url, {"_export": "csv", "table": card.id}).status_code == 404


# ---- bad input: the default figures, never a 500 -------------------------------------------------------------

@pytest.mark.parametrize("query", [
    {"idle_days": "abc"}, {"idle_days": "0"}, {"idle_days": "1e9"}, {"warehouse": "99999999999999999999999"},
    {"supplier": "²"}, {"date_from": "2026-13-01"}, {"period": "custom"}, {"kind": "nonsense"},
    {"group_by": "year"}, {"date_from": "2026-05-01", "date_to": "2020-01-01", "period": "custom"},
])
def test_bad_filters_show_the_default_figures_never_a_500(client, query):
    client.force_login(UserFactory(roles=("manager",)))
    for url in (INVENTORY, RECONCILIATION, reverse("inventory:ledger_list"), reverse("reconciliation:entry_list")):
        assert client.get(url, query).status_code == 200, (url, query)
        # a list refuses to export invalid filters (302 back with a message); another dashboard has no such table
        assert client.get(url, {**query, "_export": "csv", "table": "stock-age"}).status_code in (200, 302, 404)
    assert client.get(INVENTORY, {**query, "_export": "xlsx", "table": "stock-age"}).status_code == 200


# ---- the documents behind a figure: its link lists exactly them ---------------------------------------------

def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return len(response.context["table"].page.object_list)


@pytest.mark.parametrize(("url", "card", "column"), [
    (INVENTORY, "movements-by-kind", 1),          # ledger rows → the stock movements list
    (INVENTORY, "stock-age", 2),                  # balances holding stock of that age → the stock list
    (INVENTORY, "low-stock", None),               # one balance per row → the stock list, low only
    (RECONCILIATION, "reconciled-by-supplier", 3),  # entries → the entries list
    (RECONCILIATION, "ageing", 1),                # unreconciled entries of that age → the entries list
    (RECONCILIATION, "awaiting-by-state", 0),     # statements → the statement list
])
def test_each_row_links_to_exactly_the_documents_it_counts(world, client, url, card, column):
    client.force_login(world.people["manager"])
    chart = {c.id: c for c in client.get(url).context["charts"]}[card]
    assert chart.rows
    for row in chart.rows:
        expected = 1 if column is None else row.values[column]
        assert listed(client, row.url) == expected, (card, row.label, row.url)
