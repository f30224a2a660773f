"""The dispatch deadline on the shipment pages and API: a badge on the shipment page, a column and a
`deadline` filter on the list (the monitoring dashboard's counts link here) and the API list."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shipments.models import Shipment
from tests.shipments.test_deadlines import approved_drop_ship

pytestmark = pytest.mark.django_db


def test_the_list_filters_on_the_deadline_and_the_page_shows_the_badge(client, make_user):

    on_time = approved_drop_ship(approved_hours_ago=1, supplier_hours=24, store_hours=480)
    overdue = approved_drop_ship(approved_hours_ago=30, supplier_hours=24, store_hours=480)
    client.force_login(make_user("sales"))
    url = reverse("shipments:shipment_list")

    def ids(**params):
        response = client.get(url, params)
        assert response.status_code == 200
        return {row.record.pk for row in response.context["table"].page.object_list}

    assert ids(deadline="overdue") == {overdue.pk}
    assert ids(deadline="late", supplier=overdue.supplier_id, kind="drop_ship", state="approved") == {overdue.pk}
    assert ids(deadline="at_risk") == set()
    assert ids() >= {on_time.pk, overdue.pk}
    assert client.get(url, {"sort": "deadline"}).status_code == 200
    page = client.get(reverse("shipments:shipment_detail", args=[overdue.pk])).content.decode()
    assert 'id="dispatch-deadline"' in page and 'data-deadline="overdue"' in page
    due = timezone.localtime(Shipment.objects.get(pk=overdue.pk).approved_at + timedelta(hours=24))
    assert due.strftime("%Y-%m-%d %H:%M") in page



def test_the_api_list_filters_on_the_deadline(api_client):
    approved_drop_ship(approved_hours_ago=1, supplier_hours=24, store_hours=480)
    overdue = approved_drop_ship(approved_hours_ago=30, supplier_hours=24, store_hours=480)
    client, _user = api_client("sales")
    response = client.get("/api/v1/shipments/", {"deadline": "late"})
    assert response.status_code == 200, response.json()
    assert [row["id"] for row in response.json()["items"]] == [overdue.pk]
    assert client.get("/api/v1/shipments/", {"deadline": "never"}).status_code == 422
