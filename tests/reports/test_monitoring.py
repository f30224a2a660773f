"""The dispatch monitoring dashboard: late orders per store and late drop-ships per supplier (counts that
link to the filtered lists and match them), the late rows oldest first, the remind button, exports, access,
and a constant number of queries."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from shipments.cancelling import cancel_shipment
from shipments.models import Shipment
from tests.factories import StoreFactory, UserFactory
from tests.orders.factories import OrderFactory
from tests.shipments.test_deadlines import approved_drop_ship

pytestmark = pytest.mark.django_db

URL = "/reports/monitoring/"


@pytest.fixture
def manager_client(client):
    client.force_login(UserFactory(roles=("manager",)))
    return client


@pytest.fixture
def late():
    now = timezone.now()
    store_a = StoreFactory(name="A 店铺", promised_dispatch_hours=48)
    store_b = StoreFactory(name="B 店铺", promised_dispatch_hours=24)
    made = {
        "a_at_risk": OrderFactory(store=store_a, external_order_no="A-RISK", ordered_at=now - timedelta(hours=40)),
        "a_overdue": OrderFactory(store=store_a, external_order_no="A-OVER", ordered_at=now - timedelta(hours=60)),
        "b_overdue": OrderFactory(store=store_b, external_order_no="B-OVER", ordered_at=now - timedelta(hours=30)),
        "a_on_time": OrderFactory(store=store_a, external_order_no="A-FINE", ordered_at=now - timedelta(hours=1)),
        # drop-ships whose store window is wide: only the supplier's 24 h count
        "ds_overdue": approved_drop_ship(approved_hours_ago=30, supplier_hours=24, store_hours=480),
        "ds_at_risk": approved_drop_ship(approved_hours_ago=20, supplier_hours=24, store_hours=480),
        "ds_on_time": approved_drop_ship(approved_hours_ago=1, supplier_hours=24, store_hours=480),
    }
    made["store_a"], made["store_b"] = store_a, store_b
    return made


def test_the_page_counts_late_orders_per_store_and_drop_ships_per_supplier(manager_client, late):
    response = manager_client.get(reverse("reports:monitoring"))
    assert response.status_code == 200
    by_store, by_supplier = response.context["charts"]
    store_rows = {row.label: row.values for row in by_store.rows}
    assert store_rows == {"A 店铺": [1, 1], "B 店铺": [0, 1]}
    supplier_rows = {row.label: row.values for row in by_supplier.rows}
    assert supplier_rows == {late["ds_overdue"].supplier.name: [0, 1], late["ds_at_risk"].supplier.name: [1, 0]}
    # the late rows, oldest deadline first: A-OVER was due 12 h ago, B-OVER 6 h ago, A-RISK in 8 h
    assert [o.external_order_no for o in response.context["late_orders"]] == ["A-OVER", "B-OVER", "A-RISK"]
    assert [s.pk for s in response.context["late_drop_ships"]] == [late["ds_overdue"].pk, late["ds_at_risk"].pk]
    page = response.content.decode()
    assert late["a_on_time"].get_absolute_url() not in page
    assert late["a_overdue"].get_absolute_url() in page
    assert f'id="remind-{late["ds_overdue"].pk}"' in page and "data-confirm" in page


def test_every_count_links_to_the_list_it_counts(manager_client, late):
    response = manager_client.get(reverse("reports:monitoring"))
    by_store, by_supplier = response.context["charts"]
    for chart in (by_store, by_supplier):
        for row in chart.rows:
            for url, count in [(row.url, sum(row.values)), *zip(row.level_urls, row.values, strict=True)]:
                listed = manager_client.get(url)
                assert listed.status_code == 200, url
                assert len(listed.context["table"].page.object_list) == count, url
    store_a_late = next(row for row in by_store.rows if row.label == "A 店铺").url
    assert urlsplit(store_a_late).path == reverse("orders:order_list")
    assert parse_qs(urlsplit(store_a_late).query)["store"] == [str(late["store_a"].pk)]
    page = response.content.decode()
    assert 'class="count-link"' in page


def test_the_store_and_supplier_filters(manager_client, late):
    by_store = manager_client.get(URL, {"store": late["store_b"].pk}).context
    assert [o.external_order_no for o in by_store["late_orders"]] == ["B-OVER"]
    assert by_store["late_drop_ships"] == []
    supplier = late["ds_at_risk"].supplier
    by_supplier = manager_client.get(URL, {"supplier": supplier.pk}).context
    assert [s.pk for s in by_supplier["late_drop_ships"]] == [late["ds_at_risk"].pk]
    assert by_supplier["late_orders"] == []  # orders are not per supplier: hidden
    assert manager_client.get(URL, {"store": "nope"}).status_code == 200  # a bad filter: shown, no 500


def test_the_tables_export(manager_client, late):
    for table in ("late-orders-per-store", "late-drop-ships-per-supplier", "late-orders", "late-drop-ships"):
        response = manager_client.get(URL, {"_export": "csv", "table": table})
        assert response.status_code == 200, table
        body = b"".join(response.streaming_content).decode("utf-8-sig") if response.streaming else \
            response.content.decode("utf-8-sig")
        assert body.count("\n") >= 2, table
    xlsx = manager_client.get(URL, {"_export": "xlsx", "table": "late-orders"})
    assert xlsx.status_code == 200


def test_remind_tells_the_supplier_and_comes_back_with_the_filters(manager_client, late):
    shipment = late["ds_overdue"]
    portal = UserFactory(roles=("supplier",))
    shipment.supplier.portal_users.add(portal)
    url = reverse("reports:monitoring_remind", args=[shipment.pk])
    response = manager_client.post(url, {"query": f"supplier={shipment.supplier_id}&evil=1"})
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?supplier={shipment.supplier_id}"
    assert Notification.objects.filter(recipient=portal, event="shipment.supplier_reminded").count() == 1


def test_remind_refuses_what_is_not_an_approved_drop_ship_and_404s_the_unknown(manager_client, late):
    shipment = late["ds_overdue"]
    cancel_shipment(Shipment.objects.get(pk=shipment.pk), actor=shipment.world.approver, reason="客户取消")
    response = manager_client.post(reverse("reports:monitoring_remind", args=[shipment.pk]), follow=True)
    assert response.status_code == 200
    assert "Only an approved drop-ship" in response.content.decode()
    assert not Notification.objects.filter(event="shipment.supplier_reminded").exists()
    assert manager_client.post(reverse("reports:monitoring_remind", args=[10**9])).status_code == 404


@pytest.mark.parametrize("role", ["sales", "approver", "warehouse", "finance"])
def test_only_managers_open_it_or_remind(client, late, role):
    client.force_login(UserFactory(roles=(role,)))
    assert client.get(URL).status_code == 403
    shipment = late["ds_overdue"]
    assert client.post(reverse("reports:monitoring_remind", args=[shipment.pk])).status_code == 403
    assert not Notification.objects.filter(event="shipment.supplier_reminded").exists()


def test_a_supplier_login_is_sent_to_its_portal(client, late):
    client.force_login(UserFactory(roles=("supplier",)))
    response = client.get(URL)
    assert response.status_code == 302 and "/login" not in response["Location"]


def test_the_page_costs_the_same_queries_for_few_and_many_late_rows(manager_client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    approved_drop_ship(approved_hours_ago=30)
    OrderFactory(store=StoreFactory(), ordered_at=timezone.now() - timedelta(hours=60))
    with CaptureQueriesContext(connection) as few:
        manager_client.get(URL)
    for _ in range(3):
        approved_drop_ship(approved_hours_ago=30)
        OrderFactory(store=StoreFactory(), ordered_at=timezone.now() - timedelta(hours=60))
    with CaptureQueriesContext(connection) as many:
        manager_client.get(URL)
    assert len(many) == len(few)
