"""Invoices (DESIGN.md, "Invoice"): finance records VAT invoices issued by the tax system and issues
commercial invoices numbered by Consign from a gap-free sequence; an invoiced order is complete."""

import io
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from core.models import PdfJob, PdfJobState, TransitionLog
from core.pdf import run_pdf_job
from orders import invoices
from orders.invoices import issue_commercial_invoice, record_vat_invoice
from orders.models import FulfilmentStatus, Invoice, InvoiceKind, InvoiceNumberSequence, Order
from orders.services import set_fulfilment_status
from tests.browser.helpers import login, wider_than_viewport
from tests.factories import UserFactory
from tests.orders.factories import OrderFactory, OrderLineFactory
from tests.races import errors, run_together, successes

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def received_order(**order_kwargs):
    """An order whose shipments were all received (the status the shipments app derives)."""
    order = OrderFactory(**order_kwargs)
    OrderLineFactory(order=order, quantity=2, unit_price=Decimal("25.00"))
    OrderLineFactory(order=order, quantity=1, unit_price=Decimal("99.90"))
    return set_fulfilment_status(order, status=FulfilmentStatus.RECEIVED)


def e_invoice(name="24310000000012345678.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def ofd_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("OFD.xml", "<ofd:OFD/>")
    return buffer.getvalue()


def status_of(order):
    return Order.objects.get(pk=order.pk).fulfilment_status


def record(order, finance, **overrides):
    values = {"order": order, "kind": InvoiceKind.SPECIAL_VAT, "number": "24310000000012345678",
              "issued_on": timezone.localdate(), "amount": Decimal("149.90"), "file": e_invoice(),
              "actor": finance}
    values.update(overrides)
    return record_vat_invoice(**values)


@pytest.fixture
def finance(make_user):
    return make_user("finance")


# ---- VAT invoices ---------------------------------------------------------------------------------

@pytest.mark.django_db
def test_finance_records_a_special_vat_invoice_and_the_order_is_complete(finance):
    order = received_order()

    invoice = record(order, finance)

    invoice = Invoice.objects.get(pk=invoice.pk)
    assert (invoice.kind, invoice.number, invoice.amount) == (InvoiceKind.SPECIAL_VAT, "24310000000012345678",
                                                              Decimal("149.90"))
    assert invoice.file.read() == PDF and invoice.file.name.endswith(".pdf")
    assert status_of(order) == FulfilmentStatus.INVOICED
    log = TransitionLog.objects.filter(object_id=order.pk, target=FulfilmentStatus.INVOICED).get()
    assert log.actor == finance and invoice.number in log.comment


@pytest.mark.django_db
@pytest.mark.parametrize("status", [FulfilmentStatus.AWAITING_SHIPMENT, FulfilmentStatus.SHIPPED,
                                    FulfilmentStatus.DELIVERED])
def test_only_a_received_order_can_be_invoiced(finance, status):
    order = OrderFactory()
    OrderLineFactory(order=order)
    set_fulfilment_status(order, status=status)

    with pytest.raises(ValidationError, match="Only a received order can be invoiced"):
        record(order, finance)
    with pytest.raises(ValidationError, match="Only a received order can be invoiced"):
        issue_commercial_invoice(order=order, actor=finance)

    assert not Invoice.objects.exists() and status_of(order) == status
    assert not InvoiceNumberSequence.objects.filter(last_number__gt=0).exists()


@pytest.mark.django_db
def test_a_cancelled_or_already_invoiced_order_is_refused(finance):
    cancelled = OrderFactory(fulfilment_status=FulfilmentStatus.CANCELLED)
    with pytest.raises(ValidationError, match="Only a received order"):
        record(cancelled, finance)
    order = received_order()
    record(order, finance)
    with pytest.raises(ValidationError, match="already invoiced"):
        record(order, finance, number="99999999")
    with pytest.raises(ValidationError, match="already invoiced"):
        issue_commercial_invoice(order=order, actor=finance)
    assert Invoice.objects.count() == 1


@pytest.mark.django_db
def test_sales_may_not_record_invoices(make_user):
    order = received_order()
    with pytest.raises(PermissionDenied):
        record(order, make_user("sales", "approver", "warehouse", "manager"))
    assert status_of(order) == FulfilmentStatus.RECEIVED and not Invoice.objects.exists()


@pytest.mark.django_db
def test_the_same_vat_invoice_number_is_not_recorded_twice(finance):
    record(received_order(), finance, number="12345678")
    second = received_order()
    with pytest.raises(ValidationError) as caught:
        record(second, finance, number="12345678")
    assert "already recorded" in str(caught.value.message_dict["number"])
    assert status_of(second) == FulfilmentStatus.RECEIVED


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content", "message"), [
    ("invoice.docx", PDF, "must be a PDF, OFD or XML file"),
    ("invoice.exe", b"MZ", "must be a PDF, OFD or XML file"),
    ("invoice.pdf", b"<html>not a pdf</html>", "does not match its type (PDF)"),
    ("invoice.ofd", PDF, "does not match its type (OFD)"),
    ("invoice.xml", b"\x00\x01binary", "does not match its type (XML)"),
    ("invoice.pdf", b"", "empty"),
])
def test_the_e_invoice_file_must_be_a_real_pdf_ofd_or_xml(finance, name, content, message):
    order = received_order()
    with pytest.raises(ValidationError) as caught:
        record(order, finance, file=e_invoice(name, content))
    assert message in " ".join(caught.value.message_dict["file"])
    assert not Invoice.objects.exists() and status_of(order) == FulfilmentStatus.RECEIVED


@pytest.mark.django_db
def test_an_e_invoice_file_over_10_mb_is_refused(finance):
    big = e_invoice("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError, match="larger than 10 MB"):
        record(received_order(), finance, file=big)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content"), [
    ("fapiao.ofd", "ofd"), ("fapiao.xml", b"\xef\xbb\xbf<?xml version='1.0'?><EInvoice/>"), ("FAPIAO.PDF", PDF),
])
def test_ofd_xml_and_pdf_e_invoices_are_accepted(finance, name, content):
    content = ofd_bytes() if content == "ofd" else content
    invoice = record(received_order(), finance, file=e_invoice(name, content))
    assert Invoice.objects.get(pk=invoice.pk).file.read() == content


@pytest.mark.django_db
def test_vat_invoice_fields_are_checked_together(finance):
    with pytest.raises(ValidationError) as caught:
        record(received_order(), finance, number="12 34/56", amount=Decimal("-1"),
               issued_on=timezone.localdate() + timedelta(days=1), file=None)
    assert set(caught.value.message_dict) == {"number", "amount", "issued_on", "file"}


# ---- commercial invoices --------------------------------------------------------------------------

@pytest.mark.django_db
def test_commercial_invoices_are_numbered_one_after_another_per_year(finance):
    year = timezone.localdate().year
    first = issue_commercial_invoice(order=received_order(), actor=finance)
    second = issue_commercial_invoice(order=received_order(), actor=finance)
    old = issue_commercial_invoice(order=received_order(), actor=finance,
                                   issued_on=timezone.localdate().replace(year=year - 1, day=1))

    assert (first.number, second.number) == (f"CI{year}-000001", f"CI{year}-000002")
    assert old.number == f"CI{year - 1}-000001"
    assert first.amount == Decimal("149.90")  # the order total, not typed
    assert status_of(first.order) == FulfilmentStatus.INVOICED


@pytest.mark.django_db
def test_a_rolled_back_commercial_invoice_gives_its_number_back(finance, monkeypatch):
    year = timezone.localdate().year
    issue_commercial_invoice(order=received_order(), actor=finance)
    failing = received_order()

    def fail(order, invoice, actor):  # the order's status write fails after the number was taken
        raise RuntimeError("status write failed")

    monkeypatch.setattr(invoices, "_finish", fail)
    with pytest.raises(RuntimeError):
        issue_commercial_invoice(order=failing, actor=finance)
    monkeypatch.undo()

    assert status_of(failing) == FulfilmentStatus.RECEIVED
    assert InvoiceNumberSequence.objects.get(prefix="CI", year=year).last_number == 1
    assert issue_commercial_invoice(order=failing, actor=finance).number == f"CI{year}-000002"


@pytest.mark.django_db
def test_an_outer_rollback_also_gives_the_number_back(finance):
    year = timezone.localdate().year
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        issue_commercial_invoice(order=received_order(), actor=finance)
        1 / 0  # noqa: B018 - something later in the same transaction fails
    assert issue_commercial_invoice(order=received_order(), actor=finance).number == f"CI{year}-000001"


def rendered(job):
    """Run a queued PDF job as the worker does; the job afterwards."""
    run_pdf_job(job.pk)
    return PdfJob.objects.get(pk=job.pk)


@pytest.mark.django_db
def test_issuing_queues_the_pdf_and_the_first_rendered_job_stores_it_on_the_invoice(finance):
    order = received_order(recipient_name="欧阳娜娜", recipient_address="香港九龙弥敦道 100 号")
    invoice = issue_commercial_invoice(order=order, actor=finance)

    job = PdfJob.objects.get()  # queued in the issuing transaction, rendered by the worker once committed
    assert (job.kind, job.parameters, job.state, job.created_by) == (
        "commercial_invoice", {"invoice": invoice.pk}, PdfJobState.QUEUED, finance)
    assert not Invoice.objects.get(pk=invoice.pk).file  # nothing rendered in the issuing request

    job = rendered(job)

    assert job.state == PdfJobState.DONE
    data = job.file.read()
    reader = PdfReader(io.BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    for expected in ("欧阳娜娜", "香港九龙弥敦道", invoice.number, order.external_order_no, "149.90", "商业发票"):
        assert expected in text
    fonts = {str(f.get_object()["/BaseFont"]) for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert any("WenQuanYi" in name for name in fonts), fonts
    stored = Invoice.objects.get(pk=invoice.pk)
    assert invoice.number in stored.file.name and stored.file.name.endswith(".pdf")
    assert stored.file.read() == data

    # Another print later (anyone who reads invoices, a POST) renders again; the stored file stands.
    reader_user = UserFactory(roles=("sales",))
    again = rendered(invoices.request_invoice_pdf(stored, actor=reader_user))
    assert again.state == PdfJobState.DONE and again.created_by == reader_user
    assert Invoice.objects.get(pk=invoice.pk).file.name == stored.file.name


@pytest.mark.django_db
def test_only_a_commercial_invoice_is_rendered_and_only_for_invoice_readers(finance):
    vat_invoice = record(received_order(), finance)
    with pytest.raises(ValidationError, match="Only a commercial invoice is rendered"):
        invoices.request_invoice_pdf(vat_invoice, actor=finance)
    commercial = issue_commercial_invoice(order=received_order(), actor=finance)
    with pytest.raises(PermissionDenied):
        invoices.request_invoice_pdf(commercial, actor=UserFactory(roles=("approver",)))
    assert PdfJob.objects.count() == 1  # the one queued by issuing


# ---- pages ----------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_finance_records_a_vat_invoice_on_the_page_and_the_order_page_shows_it(client, finance):
    order = received_order()
    client.force_login(finance)
    detail = client.get(order.get_absolute_url())
    assert reverse("orders:invoice_create", args=[order.pk]) in detail.content.decode()

    page = client.get(reverse("orders:invoice_create", args=[order.pk]))
    assert page.status_code == 200 and "149.90" in page.content.decode()
    response = client.post(reverse("orders:invoice_create", args=[order.pk]), {
        "kind": InvoiceKind.GENERAL_VAT, "issued_on": timezone.localdate().isoformat(),
        "number": "04400000000087654321", "amount": "149.90", "file": e_invoice(),
    })

    assert response.status_code == 302 and response.url == order.get_absolute_url()
    detail = client.get(order.get_absolute_url()).content.decode()
    assert "04400000000087654321" in detail and 'data-status="invoiced"' in detail
    invoice = Invoice.objects.get(order=order)
    download = client.get(reverse("orders:invoice_file", args=[invoice.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


@pytest.mark.django_db
def test_finance_issues_a_commercial_invoice_on_the_page_and_the_job_page_shows_its_pdf(
    client, finance, django_capture_on_commit_callbacks
):
    order = received_order(recipient_name="李雷")
    client.force_login(finance)
    with django_capture_on_commit_callbacks(execute=True):  # the (eager) worker renders once committed
        response = client.post(reverse("orders:invoice_create", args=[order.pk]), {
            "kind": InvoiceKind.COMMERCIAL, "issued_on": timezone.localdate().isoformat(),
        })
    invoice = Invoice.objects.get(order=order)
    job = PdfJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("core:job_detail", args=[job.pk])
    page = client.get(response.url).content.decode()
    assert 'id="job-ready"' in page and 'id="job-preview"' in page

    download = client.get(reverse("orders:invoice_file", args=[invoice.pk]))

    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == f'attachment; filename="{invoice.number}.pdf"'
    text = PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages[0].extract_text()
    assert "李雷" in text and invoice.number in text


@pytest.mark.django_db
def test_opening_an_unrendered_commercial_invoice_shows_a_preview_and_writes_nothing(client, make_user):
    """A GET never renders or stores the PDF: before the worker stored it, the invoice is shown as HTML
    with the button (a POST) that queues its PDF."""
    order = received_order(recipient_name="韩梅梅")
    invoice = issue_commercial_invoice(order=order, actor=make_user("finance"))
    PdfJob.objects.all().delete()  # as if its job was lost: the page offers to queue another
    reader = make_user("sales")
    client.force_login(reader)

    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("orders:invoice_file", args=[invoice.pk]))

    assert not [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(
        ("INSERT", "UPDATE", "DELETE"))]
    body = page.content.decode()
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert 'id="invoice-preview"' in body and "韩梅梅" in body and invoice.number in body
    assert not Invoice.objects.get(pk=invoice.pk).file and not PdfJob.objects.exists()

    response = client.post(reverse("orders:invoice_pdf", args=[invoice.pk]))

    job = PdfJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("core:job_detail", args=[job.pk])
    assert job.created_by == reader and job.parameters == {"invoice": invoice.pk}
    assert client.get(reverse("orders:invoice_file", args=[invoice.pk])).status_code == 200  # still a preview
    assert 'id="invoice-pdf-job"' in client.get(reverse("orders:invoice_file", args=[invoice.pk])).content.decode()
    rendered(job)
    assert client.get(reverse("orders:invoice_file", args=[invoice.pk]))["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_queueing_a_vat_invoice_pdf_says_why_not(client, finance):
    invoice = record(received_order(), finance)
    client.force_login(finance)
    response = client.post(reverse("orders:invoice_pdf", args=[invoice.pk]), follow=True)
    assert "Only a commercial invoice is rendered" in response.content.decode()
    assert not PdfJob.objects.exists()
    assert client.get(reverse("orders:invoice_pdf", args=[invoice.pk])).status_code == 405


@pytest.mark.django_db
def test_the_page_says_what_is_wrong_and_records_nothing(client, finance):
    order = received_order()
    client.force_login(finance)
    response = client.post(reverse("orders:invoice_create", args=[order.pk]), {
        "kind": InvoiceKind.SPECIAL_VAT, "issued_on": timezone.localdate().isoformat(), "number": "",
        "amount": "149.90", "file": e_invoice("fapiao.docx"),
    })
    body = response.content.decode()
    assert response.status_code == 400
    assert "The invoice no. is required." in body and "must be a PDF, OFD or XML file" in body
    assert not Invoice.objects.exists()

    unreceived = OrderFactory()
    OrderLineFactory(order=unreceived)
    response = client.post(reverse("orders:invoice_create", args=[unreceived.pk]), {
        "kind": InvoiceKind.COMMERCIAL, "issued_on": timezone.localdate().isoformat(),
    })
    assert response.status_code == 400 and "Only a received order can be invoiced" in response.content.decode()


@pytest.mark.django_db
def test_who_may_invoice_and_who_sees_invoices(client, make_user):
    order = received_order()
    sales = make_user("sales")
    client.force_login(sales)
    assert client.get(reverse("orders:invoice_create", args=[order.pk])).status_code == 403
    assert "Record invoice" not in client.get(order.get_absolute_url()).content.decode()
    assert client.get(reverse("orders:invoice_list")).status_code == 200
    client.force_login(make_user("warehouse"))
    assert client.get(reverse("orders:invoice_list")).status_code == 403
    finance_perms = set(Group.objects.get(name="finance").permissions.values_list("codename", flat=True))
    assert {"record_invoice", "add_invoice", "view_invoice"} <= finance_perms


@pytest.mark.django_db
def test_the_invoice_list_filters_by_type_and_searches_numbers(client, finance):
    vat = record(received_order(), finance, number="11112222")
    commercial = issue_commercial_invoice(order=received_order(), actor=finance)
    client.force_login(finance)
    by_kind = client.get(reverse("orders:invoice_list"), {"kind": InvoiceKind.COMMERCIAL}).content.decode()
    assert commercial.number in by_kind and "11112222" not in by_kind
    by_search = client.get(reverse("orders:invoice_list"), {"q": vat.order.external_order_no}).content.decode()
    assert "11112222" in by_search and commercial.number not in by_search


@pytest.mark.django_db
def test_each_invoice_row_links_its_order_and_its_file(client, finance):
    vat = record(received_order(), finance, number="11113333")
    client.force_login(finance)
    html = client.get(reverse("orders:invoice_list")).content.decode()
    assert f'<a href="{vat.order.get_absolute_url()}">{vat.order.external_order_no}</a>' in html
    assert f'<a href="{reverse("orders:invoice_file", args=[vat.pk])}">Download</a>' in html


# ---- the race (PostgreSQL) ------------------------------------------------------------------------

THREADS = 12
FAILING = 3  # of those, the ones whose transaction fails after taking a number


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_commercial_invoices_get_numbers_1_to_n_without_gaps_or_duplicates(monkeypatch):

    finance = UserFactory(roles=("finance",))
    orders = [received_order() for _ in range(THREADS)]
    failing_ids = {order.pk for order in orders[:FAILING]}
    real_finish = invoices._finish

    def finish_or_fail(order, invoice, actor):
        if order.pk in failing_ids:
            raise RuntimeError(f"order {order.pk}: failed after taking number {invoice.number}")
        real_finish(order, invoice, actor)

    monkeypatch.setattr(invoices, "_finish", finish_or_fail)

    outcomes = run_together(lambda i: issue_commercial_invoice(order=orders[i], actor=finance).number, THREADS)

    numbers, failures = successes(outcomes), errors(outcomes)
    year = timezone.localdate().year
    ok = THREADS - FAILING
    assert len(failures) == FAILING and all(isinstance(e, RuntimeError) for e in failures), failures
    assert sorted(numbers) == [f"CI{year}-{n:06d}" for n in range(1, ok + 1)]
    assert sorted(Invoice.objects.values_list("number", flat=True)) == sorted(numbers)
    assert InvoiceNumberSequence.objects.get(prefix="CI", year=year).last_number == ok
    assert Order.objects.filter(fulfilment_status=FulfilmentStatus.INVOICED).count() == ok


# ---- in Chromium, on a phone ----------------------------------------------------------------------

@pytest.mark.browser
def test_finance_invoices_a_received_order_on_a_phone_and_downloads_the_pdf(phone_page):
    page = phone_page
    UserFactory(username="fang", roles=("finance",))
    order = received_order(recipient_name="司马光")
    login(page, "fang")

    page.goto(order.get_absolute_url())
    page.locator("#order-invoice a", has_text="Record invoice").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wider_than_viewport(page)
    page.get_by_label("Commercial invoice").check()
    page.get_by_role("button", name="Record invoice").click()

    expect(page.locator("#job-ready")).to_be_visible()  # the job page: rendered by the (eager) worker
    page.goto(order.get_absolute_url())
    expect(page.locator("#fulfilment-status")).to_have_attribute("data-status", "invoiced")
    invoice = Invoice.objects.get(order=order)
    expect(page.locator("#invoice-number")).to_have_text(invoice.number)
    with page.expect_download() as download:
        page.locator("#order-invoice a", has_text="Download").click()
    text = PdfReader(download.value.path()).pages[0].extract_text()
    assert "司马光" in text and invoice.number in text
    assert not page.js_errors
