"""The warehouse queue: approved and picking company dispatches, filtered, ticked and printed as one
PDF job (or one note at once); only the warehouse (and the superuser) works it."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from core.models import PdfJob, PdfJobState
from shipments.approval import approve_shipment, submit_shipment
from shipments.cancelling import cancel_shipment
from shipments.dispatch_notes import warehouse_queue
from shipments.dispatching import dispatch_shipment, start_picking
from shipments.models import Shipment, ShipmentState
from tests.browser.helpers import login, wider_than_viewport
from tests.factories import UserFactory, WarehouseFactory

from .factories import make_world, stock_in
from .test_dispatch_notes import approved, more_approved

pytestmark = pytest.mark.django_db
S = ShipmentState


def state(shipment):
    return Shipment.objects.get(pk=shipment.pk).state


@pytest.fixture
def world():
    return make_world(lines=2, quantity=4)


@pytest.fixture
def floor(world):
    """One shipment in every state the queue must tell apart."""
    ready = approved(world, quantities=[1, 0])
    picking = start_picking(approved(world, quantities=[1, 0]), actor=world.warehouse_user)
    gone = dispatch_shipment(
        start_picking(approved(world, quantities=[1, 0]), actor=world.warehouse_user),
        actor=world.warehouse_user, carrier=world.carrier, tracking_number="SF1")
    submitted = world.ship(quantities=[0, 1])
    submit_shipment(submitted, actor=world.sales)
    draft = world.ship(quantities=[0, 1])
    drop_ship = approved(world, kind="drop_ship", quantities=[0, 1])
    cancelled = approved(world, quantities=[1, 0])
    cancel_shipment(cancelled, actor=world.approver, reason="customer changed mind")
    return {"ready": ready, "picking": picking, "gone": gone, "submitted": submitted, "draft": draft,
            "drop_ship": drop_ship, "cancelled": cancelled}


def test_the_queue_holds_only_approved_and_picking_company_dispatches(world, floor):
    assert sorted(warehouse_queue().values_list("pk", flat=True)) == sorted(
        [floor["ready"].pk, floor["picking"].pk])


def test_warehouse_sees_the_queue_page_oldest_approval_first(client, world, floor):
    client.force_login(world.warehouse_user)
    response = client.get(reverse("shipments:queue"))
    body = response.content.decode()
    assert response.status_code == 200
    assert f'data-shipment="{floor["ready"].number}"' in body and f'data-shipment="{floor["picking"].number}"' in body
    for other in ("gone", "submitted", "draft", "drop_ship", "cancelled"):
        assert f'data-shipment="{floor[other].number}"' not in body
    assert body.index(floor["ready"].number) < body.index(floor["picking"].number)
    assert 'form="queue-print-form"' in body and "Print dispatch notes" in body


def test_the_queue_filters_by_warehouse_state_and_number(client, world, floor):
    other_warehouse = WarehouseFactory()
    for line in world.lines:
        stock_in(line.product, other_warehouse, 10)
    elsewhere = world.ship(quantities=[0, 1])
    elsewhere.warehouse = other_warehouse
    elsewhere.save(update_fields=["warehouse"])
    submit_shipment(elsewhere, actor=world.sales)
    elsewhere = approve_shipment(Shipment.objects.get(pk=elsewhere.pk), actor=world.approver)
    client.force_login(world.warehouse_user)

    def listed(**params):
        body = client.get(reverse("shipments:queue"), params).content.decode()
        return {pk for pk in (floor["ready"].pk, floor["picking"].pk, elsewhere.pk)
                if f'data-shipment="{Shipment(pk=pk).number}"' in body}

    assert listed(warehouse=other_warehouse.pk) == {elsewhere.pk}
    assert listed(state="picking") == {floor["picking"].pk}
    assert listed(q=floor["ready"].number) == {floor["ready"].pk}
    assert listed(q=world.order.external_order_no) == {floor["ready"].pk, floor["picking"].pk, elsewhere.pk}


@pytest.mark.parametrize("role", ["sales", "approver", "finance", "manager"])
def test_only_the_warehouse_opens_the_queue_and_prints(client, world, role):
    shipment = approved(world)
    client.force_login(UserFactory(roles=(role,)))
    assert client.get(reverse("shipments:queue")).status_code == 403
    assert client.post(reverse("shipments:queue_print"), {"shipment": [shipment.pk]}).status_code == 403
    assert client.post(reverse("shipments:dispatch_note", args=[shipment.pk])).status_code == 403
    assert state(shipment) == S.APPROVED and not PdfJob.objects.exists()


def test_the_superuser_may_print(client, world):
    shipment = approved(world)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.post(reverse("shipments:dispatch_note", args=[shipment.pk]), {"layout": "a4"})
    assert response.status_code == 302 and state(shipment) == S.PICKING


def test_ticking_shipments_prints_them_as_one_job_with_progress(
    client, world, floor, django_capture_on_commit_callbacks
):
    client.force_login(world.warehouse_user)
    ticked = [floor["ready"].pk, floor["picking"].pk, floor["gone"].pk]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("shipments:queue_print"), {"shipment": ticked, "layout": "a4"})

    job = PdfJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("core:job_detail", args=[job.pk])
    assert job.parameters == {"shipment_ids": [floor["ready"].pk, floor["picking"].pk], "layout": "a4"}
    assert state(floor["ready"]) == S.PICKING and state(floor["gone"]) == S.DISPATCHED
    page = client.get(response.url).content.decode()
    assert floor["gone"].number in page  # "not printed: SH… (Dispatched, not in the warehouse queue)"
    job = PdfJob.objects.get(pk=job.pk)
    assert job.state == PdfJobState.DONE
    download = client.get(reverse("core:job_download", args=[job.pk]))
    text = PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages[0].extract_text()
    assert world.order.external_order_no in text and world.order.recipient_name in text


def test_print_all_that_match_the_filters(client, world, django_capture_on_commit_callbacks):
    batch = more_approved(world, 3)
    other = approved(world)  # same warehouse, world.order
    client.force_login(world.warehouse_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("shipments:queue_print"), {
            "all_matching": "1", "layout": "label", "filters": f"q={batch[1].order.external_order_no}"})
    job = PdfJob.objects.get()
    assert response.status_code == 302
    assert job.parameters["shipment_ids"] == [batch[1].pk]
    assert state(batch[1]) == S.PICKING and state(batch[0]) == S.APPROVED and state(other) == S.APPROVED


def test_nothing_ticked_says_so_and_queues_nothing(client, world):
    client.force_login(world.warehouse_user)
    response = client.post(reverse("shipments:queue_print"), {"layout": "a4"}, follow=True)
    assert "Tick at least one shipment." in response.content.decode()
    assert not PdfJob.objects.exists()


def test_one_note_on_demand_from_the_shipment_page(client, world, django_capture_on_commit_callbacks):
    """A POST (it starts picking) that queues the note's job like a print run; the job page says when it is
    ready and shows the PDF. Nothing is rendered in the request."""
    shipment = approved(world)
    client.force_login(world.warehouse_user)
    page = client.get(shipment.get_absolute_url()).content.decode()
    assert reverse("shipments:dispatch_note", args=[shipment.pk]) in page
    assert 'data-confirm="' in page.split(reverse("shipments:dispatch_note", args=[shipment.pk]))[1].split("</form>")[0]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("shipments:dispatch_note", args=[shipment.pk]), {"layout": "label"})

    job = PdfJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("core:job_detail", args=[job.pk])
    assert job.state == PdfJobState.QUEUED and job.created_by == world.warehouse_user
    assert job.parameters == {"shipment_ids": [shipment.pk], "layout": "label"}
    assert state(shipment) == S.PICKING
    assert 'id="job-ready"' not in client.get(response.url).content.decode()  # queued: not rendered yet

    for callback in callbacks:  # the commit publishes the job; the (eager) worker renders it
        callback()
    page = client.get(response.url).content.decode()
    assert 'id="job-ready"' in page and 'id="job-preview"' in page
    preview = client.get(reverse("core:job_download", args=[job.pk]) + "?inline=1")
    assert preview["Content-Disposition"].startswith("inline") and preview["X-Frame-Options"] == "SAMEORIGIN"
    data = b"".join(preview.streaming_content)
    assert world.order.external_order_no in PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_a_note_that_cannot_be_printed_goes_back_with_the_reason(client, world):
    draft = world.ship()
    client.force_login(world.warehouse_user)
    response = client.post(reverse("shipments:dispatch_note", args=[draft.pk]), follow=True)
    assert "cannot be printed" in response.content.decode()
    assert state(draft) == S.DRAFT


def test_the_queue_page_costs_the_same_queries_for_1_and_20_shipments(client, world):
    client.force_login(world.warehouse_user)
    more_approved(world, 1)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("shipments:queue"))
    more_approved(world, 19)
    with CaptureQueriesContext(connection) as twenty:
        assert client.get(reverse("shipments:queue")).content.decode().count("data-shipment=") == 20
    assert len(twenty.captured_queries) == len(one.captured_queries)


# ---- in Chromium, on a phone ----------------------------------------------------------------------

@pytest.mark.browser
def test_warehouse_ticks_two_shipments_prints_them_and_one_more_on_demand(phone_page):
    page = phone_page
    world = make_world(lines=2, quantity=2)
    world.warehouse_user.username = "wang"
    world.warehouse_user.save(update_fields=["username"])
    first, second = more_approved(world, 2)
    third = approved(world)
    login(page, "wang")
    page.goto(reverse("shipments:queue"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wider_than_viewport(page)
    for shipment in (first, second):
        page.locator(f"tr[data-shipment='{shipment.number}'] input[name=shipment]").check()
    page.locator("#print-layout").select_option("label")
    page.locator("#print-ticked").click()

    expect(page.locator("#job-progress")).to_have_attribute("data-state", "done", timeout=30_000)
    with page.expect_download() as download:
        page.locator("#job-download").click()
    text = PdfReader(download.value.path()).pages[0].extract_text() + PdfReader(
        download.value.path()).pages[1].extract_text()
    for shipment, name in ((first, "收件人0号"), (second, "收件人1号")):
        assert shipment.order.external_order_no in text and name in text
    assert state(first) == S.PICKING and state(second) == S.PICKING and state(third) == S.APPROVED

    page.goto(third.get_absolute_url())
    page.once("dialog", lambda dialog: dialog.accept())  # "Print the dispatch note? … moves to picking."
    page.locator(f"#print-dispatch-note-{third.pk}").click()
    expect(page.locator("#job-ready")).to_be_visible(timeout=30_000)
    with page.expect_download() as download:
        page.locator("#job-download").click()
    text = PdfReader(download.value.path()).pages[0].extract_text()
    assert world.order.external_order_no in text and "张三" in text
    assert state(third) == S.PICKING
    assert not page.js_errors
