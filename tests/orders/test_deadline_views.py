"""The dispatch deadline on the order pages and API: a badge with the dispatch-by time on the order
page, a column and a `deadline` filter (at_risk, overdue, late) on the list and the API list."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import FulfilmentStatus
from orders.services import set_fulfilment_status
from tests.api.conftest import api_client  # noqa: F401
from tests.factories import StoreFactory

from .factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders():
    now = timezone.now()
    store = StoreFactory(promised_dispatch_hours=48)
    made = {
        "ON-TIME": OrderFactory(store=store, external_order_no="ON-TIME", ordered_at=now - timedelta(hours=2)),
        "AT-RISK": OrderFactory(store=store, external_order_no="AT-RISK", ordered_at=now - timedelta(hours=40)),
        "OVERDUE": OrderFactory(store=store, external_order_no="OVERDUE", ordered_at=now - timedelta(hours=50)),
        "SHIPPED": OrderFactory(store=store, external_order_no="SHIPPED", ordered_at=now - timedelta(hours=90)),
    }
    set_fulfilment_status(made["SHIPPED"], status=FulfilmentStatus.SHIPPED)
    return made


def test_the_list_filters_on_the_deadline_and_shows_it(client, make_user, orders):
    client.force_login(make_user("sales"))
    url = reverse("orders:order_list")

    def numbers(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return {row.record.external_order_no for row in response.context["table"].page.object_list}

    assert numbers(deadline="at_risk") == {"AT-RISK"}
    assert numbers(deadline="overdue") == {"OVERDUE"}
    assert numbers(deadline="late") == {"AT-RISK", "OVERDUE"}
    assert numbers(deadline="late", sort="deadline") == {"AT-RISK", "OVERDUE"}
    assert numbers() == set(orders)
    bad = client.get(url, {"deadline": "soon"})
    assert bad.status_code == 200 and "deadline" in bad.context["filter"].form.errors
    page = client.get(url, {"sort": "-deadline"}).content.decode()
    assert 'data-deadline="overdue"' in page and 'data-deadline="at_risk"' in page
    assert 'data-deadline="on_time"' in page
    export = client.get(url, {"_export": "csv", "deadline": "overdue"})
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "Overdue" in body and "AT-RISK" not in body


def test_the_order_page_shows_the_badge_with_the_dispatch_by_time(client, make_user, orders):
    client.force_login(make_user("sales"))
    page = client.get(reverse("orders:order_detail", args=[orders["AT-RISK"].pk])).content.decode()
    assert 'id="dispatch-deadline"' in page and 'data-deadline="at_risk"' in page
    dispatch_by = timezone.localtime(orders["AT-RISK"].ordered_at + timedelta(hours=48))
    assert dispatch_by.strftime("%Y-%m-%d %H:%M") in page
    shipped = client.get(reverse("orders:order_detail", args=[orders["SHIPPED"].pk])).content.decode()
    assert 'id="dispatch-deadline"' not in shipped


def test_the_api_list_filters_on_the_deadline(api_client, orders):  # noqa: F811 (the fixture)
    client, _user = api_client("sales")
    late = client.get("/api/v1/orders/", {"deadline": "late"})
    assert late.status_code == 200, late.json()
    assert {row["external_order_no"] for row in late.json()["items"]} == {"AT-RISK", "OVERDUE"}
    assert client.get("/api/v1/orders/", {"deadline": "soon"}).status_code == 422
