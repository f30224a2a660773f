"""Every list page of the project, found from the URL configuration (each view built on ConsignListView, so
a new list is walked without touching this file), with the demo data in it:

- exported as CSV and as XLSX, every cell holds a plain value — never the page's markup (a link, a badge);
- opened with hostile query strings (a page or per-page beyond 64 bits, "²" and 1e122 and NUL in every
  filter) it answers 200 with the filter error shown — never a 500."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from catalog.models import Product, Supplier
from core.views import ConsignListView
from reconciliation.models import SupplierAccountEntry
from tests.factories import UserFactory
from tests.inventory.factories import StocktakeFactory, TransferFactory
from tests.orders.invoice_factories import VatInvoiceFactory

pytestmark = pytest.mark.django_db

MARKUP = ("<", "href=", "&lt;", "&amp;")


def _list_patterns(resolver=None, namespace=""):
    """[(url name, view class)] of every URL whose view is a ConsignListView."""
    found = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace == "admin":
                continue
            found += _list_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern):
            view_class = getattr(pattern.callback, "view_class", None)
            if view_class and issubclass(view_class, ConsignListView) and pattern.name:
                found.append((f"{namespace}{pattern.name}", view_class))
    return found


LIST_PAGES = sorted(name for name, _view in _list_patterns())

# Pages whose URL names a record: the record to open (with data behind it in the demo).
ARGS = {
    "inventory:product_ledger": lambda: [Product.objects.filter(stock_ledger_entries__isnull=False).first().pk],
    "reconciliation:supplier_entries": lambda: [SupplierAccountEntry.objects.order_by("pk").first().supplier_id],
}


@pytest.fixture
def seeded_admin(client):
    call_command("seed_demo", stdout=io.StringIO())
    StocktakeFactory(), TransferFactory(), VatInvoiceFactory()  # the demo has none of these
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def _url(name):
    return reverse(name, args=ARGS[name]() if name in ARGS else None)


def _csv_cells(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _xlsx_cells(response):
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def test_the_walk_finds_the_list_pages():
    assert {"catalog:product_list", "orders:order_list", "reconciliation:account_list",
            "shipments:shipment_list"} <= set(LIST_PAGES)
    assert len(LIST_PAGES) >= 15


@pytest.mark.parametrize("name", LIST_PAGES)
def test_every_list_exports_plain_values_to_csv_and_xlsx(seeded_admin, name):
    url = _url(name)
    for fmt, read in (("csv", _csv_cells), ("xlsx", _xlsx_cells)):
        response = seeded_admin.get(url, {"_export": fmt})
        assert response.status_code == 200, (name, fmt, response.status_code)
        rows = read(response)
        assert len(rows) >= 2, f"{name} exported no data rows as {fmt}: seed or build some"
        marked = [(i, cell) for i, row in enumerate(rows) for cell in row
                  if isinstance(cell, str) and any(sign in cell for sign in MARKUP)]
        assert not marked, f"{name} {fmt}: markup in cells {marked[:3]}"


def test_the_supplier_accounts_export_names_the_supplier_without_its_link(seeded_admin):
    response = seeded_admin.get(reverse("reconciliation:account_list"), {"_export": "csv"})
    rows = _csv_cells(response)
    names = {row[0] for row in rows[1:]}
    assert set(Supplier.objects.filter(account_entries__isnull=False).values_list("name", flat=True)) <= names


HOSTILE_PAGES = ["99999999999999999999999", "²", "-1", "1e9", "\x00"]
HOSTILE_VALUES = ["²", "1e122", "999999999999", "99999999999999999999999", "\x00"]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_every_list_answers_hostile_pages_and_filters_without_a_crash(seeded_admin, name):
    url = _url(name)
    for page in HOSTILE_PAGES:
        for key in ("page", "per_page", "sort"):
            response = seeded_admin.get(url, {key: page})
            assert response.status_code == 200, (name, key, page, response.status_code)
    filters = seeded_admin.get(url).context["filter"].filters
    for field in filters:
        for value in HOSTILE_VALUES:
            response = seeded_admin.get(url, {field: value})
            assert response.status_code == 200, (name, field, value[:30], response.status_code)
            response = seeded_admin.get(url, {field: value, "_export": "csv"})
            assert response.status_code in (200, 302), (name, field, value[:30], "export", response.status_code)
