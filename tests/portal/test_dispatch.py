"""A supplier user dispatches its drop-ships from the portal — one by one or by file — through the same
shipments service as sales, so the same supplier account entries are posted; another supplier's drop-ship is
not found; an internal user viewing the portal cannot dispatch."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reconciliation.models import EntryKind, SupplierAccountEntry
from shipments.dispatching import dispatch_shipment
from shipments.models import Shipment

from .factories import approved_drop_ship, supplier_user

pytestmark = pytest.mark.django_db


def entries_of(shipment):
    return sorted((e.kind, e.amount) for e in SupplierAccountEntry.objects.filter(supplier=shipment.supplier))


@pytest.fixture
def drop_ship():
    return approved_drop_ship(price="12.50", quantity=2, freight="5.00")


@pytest.fixture
def supplier_client(client, drop_ship):
    client.force_login(supplier_user(drop_ship.supplier))
    return client


def test_the_supplier_dispatches_and_the_same_entries_are_posted_as_when_sales_does(supplier_client, drop_ship):
    page = supplier_client.get(reverse("portal:dropship_detail", args=[drop_ship.pk])).content.decode()
    assert drop_ship.order.recipient_name in page and drop_ship.lines.get().order_line.product.sku in page
    assert str(drop_ship.lines.get().order_line.unit_price) not in page  # never the seller's price

    response = supplier_client.post(reverse("portal:dropship_detail", args=[drop_ship.pk]), {
        "carrier": drop_ship.world.carrier.pk, "tracking_number": " SF 123 456 "})
    assert response.status_code == 302
    drop_ship = Shipment.objects.get(pk=drop_ship.pk)
    assert drop_ship.state == "dispatched" and drop_ship.tracking_number == "SF 123 456"
    assert entries_of(drop_ship) == [(EntryKind.DROP_SHIP_GOODS, Decimal("25.00")), (EntryKind.FREIGHT, Decimal("5.00"))]

    by_sales = approved_drop_ship(price="12.50", quantity=2, freight="5.00")
    dispatch_shipment(by_sales, actor=by_sales.world.sales, carrier=by_sales.world.carrier, tracking_number="SF 9")
    assert entries_of(by_sales) == entries_of(drop_ship)


def test_a_bad_tracking_number_is_told_next_to_the_field_and_nothing_changes(supplier_client, drop_ship):
    response = supplier_client.post(reverse("portal:dropship_detail", args=[drop_ship.pk]), {
        "carrier": drop_ship.world.carrier.pk, "tracking_number": "x" * 65})
    assert response.status_code == 400
    assert Shipment.objects.get(pk=drop_ship.pk).state == "approved"
    assert not SupplierAccountEntry.objects.exists()


def test_another_suppliers_drop_ship_is_not_found_and_not_listed(supplier_client, drop_ship):
    theirs = approved_drop_ship()
    assert supplier_client.get(reverse("portal:dropship_detail", args=[theirs.pk])).status_code == 404
    assert supplier_client.post(reverse("portal:dropship_detail", args=[theirs.pk]), {
        "carrier": theirs.world.carrier.pk, "tracking_number": "SF1"}).status_code == 404
    assert Shipment.objects.get(pk=theirs.pk).state == "approved"
    listing = supplier_client.get(reverse("portal:dropship_list")).content.decode()
    assert drop_ship.number in listing and theirs.number not in listing
    home = supplier_client.get(reverse("portal:home")).content.decode()
    assert drop_ship.number in home and theirs.number not in home


def test_an_internal_user_views_a_suppliers_portal_read_only(client, make_user, drop_ship):
    client.force_login(make_user("finance"))
    assert client.get(reverse("portal:home")).status_code == 403  # no supplier chosen yet
    assert client.post(reverse("portal:view_as", args=[drop_ship.supplier.pk])).status_code == 302
    page = client.get(reverse("portal:dropship_detail", args=[drop_ship.pk]))
    assert page.status_code == 200 and b"portal-read-only" in page.content and b"dispatch-form" not in page.content
    response = client.post(reverse("portal:dropship_detail", args=[drop_ship.pk]), {
        "carrier": drop_ship.world.carrier.pk, "tracking_number": "SF1"})
    assert response.status_code == 403
    assert Shipment.objects.get(pk=drop_ship.pk).state == "approved"


def test_sales_cannot_view_as_a_supplier(client, make_user, drop_ship):
    client.force_login(make_user("sales"))
    assert client.post(reverse("portal:view_as", args=[drop_ship.supplier.pk])).status_code == 403
    assert client.get(reverse("portal:home")).status_code == 403


# ---- by file ---------------------------------------------------------------------------------------------
def upload(client, text):
    response = client.post(reverse("portal:dispatch_import"), {
        "file": SimpleUploadedFile("dispatch.csv", text.encode("utf-8"), content_type="text/csv")})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response.url


def test_a_file_with_row_errors_previews_them_and_imports_nothing(supplier_client, drop_ship):
    theirs = approved_drop_ship()
    carrier = drop_ship.world.carrier.code
    preview = upload(supplier_client, "发货单号,物流公司,物流单号\n"
                                      f"{drop_ship.number},{carrier},SF100\n"
                                      f"{theirs.number},{carrier},SF101\n"
                                      f"SH9999999,{carrier},SF102\n"
                                      f"{drop_ship.number},nope,SF103\n")
    page = supplier_client.get(preview).content.decode()
    assert f"You have no drop-ship no. &#x27;{theirs.number}&#x27;" in page  # another's reads as unknown
    assert "SH9999999" in page and "No carrier has code" in page
    assert "import-confirm" not in page
    supplier_client.post(preview, {"confirm": "1"})
    assert Shipment.objects.filter(state="dispatched").count() == 0
    assert not SupplierAccountEntry.objects.exists()


def test_a_good_file_dispatches_every_row_and_posts_their_entries(supplier_client, drop_ship):
    second = approved_drop_ship(price="3.00", quantity=1, freight="0")
    second.supplier.portal_users.clear()
    Shipment.objects.filter(pk=second.pk).update(supplier=drop_ship.supplier)
    carrier = drop_ship.world.carrier.code
    preview = upload(supplier_client, "shipment no.,carrier code,tracking no.\n"
                                      f"{drop_ship.number},{carrier},SF200\n{second.number},{carrier},SF201\n")
    response = supplier_client.post(preview, {"confirm": "1"})
    assert response.status_code == 302 and response.url == reverse("portal:dropship_list")
    assert set(Shipment.objects.filter(pk__in=[drop_ship.pk, second.pk]).values_list("state", flat=True)) == {
        "dispatched"}
    assert SupplierAccountEntry.objects.filter(supplier=drop_ship.supplier).count() == 3  # 2 goods + 1 freight


def test_the_file_is_all_or_nothing_when_a_row_fails_at_confirm(supplier_client, drop_ship):
    second = approved_drop_ship()
    Shipment.objects.filter(pk=second.pk).update(supplier=drop_ship.supplier)
    carrier = drop_ship.world.carrier.code
    preview = upload(supplier_client, "shipment no.,carrier code,tracking no.\n"
                                      f"{drop_ship.number},{carrier},SF300\n{second.number},{carrier},SF301\n")
    # Sales dispatches the second one between the preview and the confirmation.
    dispatch_shipment(Shipment.objects.get(pk=second.pk), actor=second.world.sales, carrier=second.world.carrier, tracking_number="BYSALES")
    supplier_client.post(preview, {"confirm": "1"})
    assert Shipment.objects.get(pk=drop_ship.pk).state == "approved"
    assert SupplierAccountEntry.objects.filter(source_id=drop_ship.pk).count() == 0
    assert Shipment.objects.get(pk=second.pk).tracking_number == "BYSALES"
