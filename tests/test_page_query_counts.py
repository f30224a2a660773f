"""The work pages cost the same number of queries, and build the navigation menu once, whether they show
1 row or 50 (issue 12): the warehouse queue, the approval queue, the order, shipment and ticket lists, and
the order, shipment and ticket pages with 1 or 50 lines. Each page is asked twice; the second visit is
counted, as any later visit of a person whose session and permissions are loaded."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import navigation
from tests.pages import busy_office

pytestmark = pytest.mark.django_db

LISTS = {
    "warehouse queue": ("warehouse_user", "/shipments/queue/?per_page=50"),
    "approval queue": ("approver", "/shipments/approvals/?per_page=50"),
    "order list": ("manager", "/orders/?per_page=50"),
    "shipment list": ("manager", "/shipments/?per_page=50"),
    "ticket list": ("sales", "/after-sales/?per_page=50"),
}
DETAILS = {
    "order page": lambda office: office.order.get_absolute_url(),
    "shipment page": lambda office: office.shipment.get_absolute_url(),
    "ticket page": lambda office: office.ticket.get_absolute_url(),
}


def visit(client, user, url):
    """(queries of the second visit, its HTML, how often the menu was built during it)."""
    client.force_login(user)
    assert client.get(url).status_code == 200
    built = []
    original = navigation.menu_for

    def counting(user):
        built.append(user)
        return original(user)

    navigation.menu_for = counting
    try:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
    finally:
        navigation.menu_for = original
    assert response.status_code == 200
    return len(captured), response.content.decode(), len(built)


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    """{page: {"small"|"large": (queries, html, menus built, rows shown)}}: every page measured in an office
    with 1 row of everything (its documents with 1 line), then again after 49 more rows arrive (and
    documents with 50 lines). Built once for the module, rolled back afterwards."""
    from django.db import transaction
    from django.test import Client

    client = Client()
    results = {page: {} for page in (*LISTS, *DETAILS)}
    with django_db_blocker.unblock(), transaction.atomic():
        for size, rows, lines in (("small", 1, 1), ("large", 49, 50)):
            office = busy_office(rows=rows, lines=lines)  # the second office's rows join the first one's
            for page, (role, url) in LISTS.items():
                queries, html, menus = visit(client, getattr(office, role), url)
                results[page][size] = (queries, html, menus, html.count("<tr "))
            for page, url_of in DETAILS.items():
                queries, html, menus = visit(client, office.sales, url_of(office))
                results[page][size] = (queries, html, menus, None)
        transaction.set_rollback(True)
    return results


@pytest.mark.parametrize("page", LISTS)
def test_a_list_page_costs_the_same_queries_for_1_and_50_rows(measured, page):
    small, large = measured[page]["small"], measured[page]["large"]
    assert small[3] <= 3 and large[3] >= 50, (page, small[3], large[3])
    assert small[2] == large[2] == 1, f"{page} built the menu {small[2]}/{large[2]} times"
    assert small[0] == large[0], (page, small[0], large[0])


@pytest.mark.parametrize("page", DETAILS)
def test_a_document_page_costs_the_same_queries_for_1_and_50_lines(measured, page):
    small, large = measured[page]["small"], measured[page]["large"]
    assert small[2] == large[2] == 1, f"{page} built the menu {small[2]}/{large[2]} times"
    assert small[0] == large[0], (page, small[0], large[0])


def test_the_warehouse_queue_prints_from_each_row_without_rendering_a_template_per_row(measured):
    html = measured["warehouse queue"]["large"][1]
    assert html.count('class="d-inline-flex flex-wrap gap-1 align-items-center dispatch-note-form"') == 50
    assert html.count('name="csrfmiddlewaretoken"') >= 50
    assert 'action="/shipments/dispatch-notes/' in html and 'name="next" value="/shipments/queue/?per_page=50"' in html


def test_rows_link_to_their_documents(client):
    office = busy_office(rows=1)
    _count, html, _menus = visit(client, office.manager, "/orders/?per_page=50")
    assert f'<a href="{office.order.get_absolute_url()}">{office.order.external_order_no}</a>' in html
    _count, html, _menus = visit(client, office.manager, "/shipments/?per_page=50")
    assert f'<a href="{office.shipment.get_absolute_url()}">{office.shipment.number}</a>' in html
    _count, html, _menus = visit(client, office.sales, "/after-sales/?per_page=50")
    assert f'<a href="{office.ticket.get_absolute_url()}">{office.ticket.number}</a>' in html
