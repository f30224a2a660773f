"""Dispatch notes 出库单: warehouse prints them (one on demand, or many: either way a POST that queues one
PDF job rendered by the worker), which starts picking; each note carries the order no., the Chinese recipient, the lines and a QR code of the
shipment number, in the WenQuanYi font, on A4 or a 100×150 mm label."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from pypdf import PdfReader

from core.models import PdfJob, PdfJobState, TransitionLog
from core.pdf import registered_kinds, run_pdf_job
from shipments import dispatch_notes
from shipments.approval import approve_shipment, submit_shipment
from shipments.dispatch_notes import print_dispatch_note, print_dispatch_notes, qr_data_uri, slip_contexts
from shipments.dispatching import start_picking
from shipments.entry import create_shipment
from shipments.models import Shipment, ShipmentState
from tests.factories import UserFactory
from tests.orders.factories import OrderFactory, OrderLineFactory

from .factories import make_world, stock_in

pytestmark = pytest.mark.django_db
S = ShipmentState
MM = 72 / 25.4


def approved(world, **kwargs):
    shipment = world.ship(**kwargs)
    submit_shipment(shipment, actor=world.sales)
    return approve_shipment(Shipment.objects.get(pk=shipment.pk), actor=world.approver)


def more_approved(world, count):
    """`count` more approved company dispatches from the same warehouse, each for its own order
    (recipients 收件人0号, 收件人1号 …)."""
    shipments = []
    for i in range(count):
        order = OrderFactory(store=world.order.store, recipient_name=f"收件人{i}号",
                             recipient_address=f"广东省深圳市南山区科技园{i}栋")
        line = OrderLineFactory(order=order, quantity=1)
        stock_in(line.product, world.warehouse, 5)
        shipment = create_shipment(order=order, kind="company_dispatch", lines=[(line, 1)],
                                            actor=world.sales, warehouse=world.warehouse)
        submit_shipment(shipment, actor=world.sales)
        shipments.append(approve_shipment(Shipment.objects.get(pk=shipment.pk), actor=world.approver))
    return shipments


def state(shipment):
    return Shipment.objects.get(pk=shipment.pk).state


def dispatch_note_pdf(shipment, *, actor, layout="a4"):
    """One note on demand as the warehouse gets it: the job queued by the POST, rendered as the worker
    renders it; its file's bytes."""
    job = print_dispatch_note(shipment, layout=layout, actor=actor)
    assert job.state == PdfJobState.QUEUED and job.parameters["shipment_ids"] == [shipment.pk]
    run_pdf_job(job.pk)
    return PdfJob.objects.get(pk=job.pk).file.read()


def text_of(data):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def font_names(data):
    reader = PdfReader(io.BytesIO(data))
    return {str(f.get_object()["/BaseFont"]) for p in reader.pages for f in p["/Resources"]["/Font"].values()}


@pytest.fixture
def world():
    return make_world(lines=4, quantity=3)


def test_the_dispatch_notes_document_kind_is_registered():
    assert "dispatch_notes" in registered_kinds()


def test_warehouse_prints_one_note_on_demand_and_picking_starts(world):
    world.order.recipient_name = "欧阳修"
    world.order.save(update_fields=["recipient_name"])
    shipment = approved(world)

    data = dispatch_note_pdf(shipment, layout="a4", actor=world.warehouse_user)

    text = text_of(data)
    for expected in (world.order.external_order_no, "欧阳修", shipment.number, "上海市浦东新区世纪大道",
                     "出库单", *(line.product.sku for line in world.lines)):
        assert expected in text
    assert any("WenQuanYi" in name for name in font_names(data)), font_names(data)
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    assert state(shipment) == S.PICKING
    log = TransitionLog.objects.get(object_id=shipment.pk, transition="start_picking")
    assert log.actor == world.warehouse_user and log.comment == "Dispatch note printed"


def test_the_thermal_label_is_100_by_150_mm(world):
    data = dispatch_note_pdf(approved(world), layout="label", actor=world.warehouse_user)
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (100, 150)
    assert world.order.external_order_no in text_of(data)


def test_a_note_carries_a_qr_code_of_the_shipment_number_and_the_seller(world, settings):
    settings.SELLER_NAME = "杭州示例商贸有限公司"
    shipment = approved(world)
    (context,) = slip_contexts([shipment.pk])
    assert context["qr"] == qr_data_uri(shipment.number)
    assert context["qr"].startswith("data:image/svg+xml")
    assert [line["quantity"] for line in context["lines"]] == [3, 3, 3, 3]
    assert context["seller_name"] == "杭州示例商贸有限公司"
    assert "杭州示例商贸有限公司" in text_of(dispatch_note_pdf(shipment, actor=world.warehouse_user))


def test_a_picking_shipment_is_printed_again_without_a_second_transition(world):
    shipment = approved(world)
    start_picking(Shipment.objects.get(pk=shipment.pk), actor=world.warehouse_user)

    data = dispatch_note_pdf(shipment, actor=world.warehouse_user)

    assert world.order.external_order_no in text_of(data)
    assert state(shipment) == S.PICKING
    assert TransitionLog.objects.filter(object_id=shipment.pk, transition="start_picking").count() == 1


@pytest.mark.parametrize("role", ["sales", "approver", "finance", "manager"])
def test_only_the_warehouse_prints(world, role):
    shipment = approved(world)
    with pytest.raises(PermissionDenied):
        dispatch_note_pdf(shipment, actor=UserFactory(roles=(role,)))
    with pytest.raises(PermissionDenied):
        print_dispatch_notes(shipment_ids=[shipment.pk], actor=UserFactory(roles=(role,)))
    assert state(shipment) == S.APPROVED and not PdfJob.objects.exists()


def test_shipments_outside_the_queue_are_not_printed(world):
    draft = world.ship(quantities=[1, 0, 0, 0])
    drop_ship = world.ship("drop_ship", quantities=[0, 1, 0, 0])
    with pytest.raises(ValidationError, match="cannot be printed"):
        dispatch_note_pdf(draft, actor=world.warehouse_user)
    with pytest.raises(ValidationError, match="None of the ticked shipments can be printed"):
        print_dispatch_notes(shipment_ids=[draft.pk, drop_ship.pk], actor=world.warehouse_user)
    assert state(draft) == S.DRAFT and not PdfJob.objects.exists()
    with pytest.raises(ValidationError, match="Pick the A4 or the thermal-label layout"):
        print_dispatch_notes(shipment_ids=[draft.pk], layout="letter", actor=world.warehouse_user)


def test_a_batch_of_notes_is_one_pdf_with_every_order_number(world, django_capture_on_commit_callbacks):
    batch = more_approved(world, 7)
    draft = world.ship(quantities=[1, 0, 0, 0])
    ids = [s.pk for s in batch]

    with django_capture_on_commit_callbacks(execute=True):
        job, skipped = print_dispatch_notes(shipment_ids=[*ids, draft.pk], layout="label",
                                            actor=world.warehouse_user)

    assert [number for number, _why in skipped] == [draft.number]
    job = PdfJob.objects.get(pk=job.pk)
    assert (job.state, job.total_count, job.done_count, job.parameters) == (
        PdfJobState.DONE, 7, 7, {"shipment_ids": ids, "layout": "label"})
    data = job.file.read()
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 7
    for page, shipment, i in zip(reader.pages, batch, range(7), strict=True):
        text = page.extract_text()
        assert shipment.order.external_order_no in text and f"收件人{i}号" in text
    assert all(state(s) == S.PICKING for s in batch)


def test_the_batch_builder_reads_in_chunks_and_keeps_the_given_order(world, monkeypatch):
    batch = more_approved(world, 5)
    monkeypatch.setattr(dispatch_notes, "ID_CHUNK", 2)  # read in chunks of 2 ids
    job = PdfJob(kind="dispatch_notes", parameters={"shipment_ids": [s.pk for s in reversed(batch)]})

    ((template, contexts),) = list(dispatch_notes.build_dispatch_notes(job))

    assert template == "pdf/dispatch_note_a4.html"
    assert [c["order_no"] for c in contexts] == [s.order.external_order_no for s in reversed(batch)]


def test_slip_contexts_read_a_batch_in_a_fixed_number_of_queries(world, django_assert_num_queries):
    batch = more_approved(world, 12)
    with django_assert_num_queries(2):  # shipments with order/store/warehouse/carrier, then lines
        contexts = list(slip_contexts([s.pk for s in batch]))
    assert len(contexts) == 12


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_batch_and_the_clerk_downloads_it(celery_worker_process, client):
    """PostgreSQL + Redis + a real `celery worker`: the job queued on commit is rendered in the background,
    its page shows it done, and the download holds every order number."""
    world = make_world(lines=2, quantity=1)
    batch = [approved(world), *more_approved(world, 3)]

    job, _skipped = print_dispatch_notes(shipment_ids=[s.pk for s in batch], layout="a4",
                                         actor=world.warehouse_user)

    celery_worker_process.wait_for(lambda: PdfJob.objects.get(pk=job.pk).state == PdfJobState.DONE,
                                   timeout=60, message="the dispatch notes to be rendered")
    client.force_login(world.warehouse_user)
    assert 'data-state="done"' in client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
    download = client.get(reverse("core:job_download", args=[job.pk]))
    text = text_of(b"".join(download.streaming_content))
    for shipment in batch:
        assert shipment.order.external_order_no in text
