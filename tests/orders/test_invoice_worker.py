"""With a real Celery worker and Redis (PostgreSQL pass): issuing a commercial invoice on the page answers
at once with the job page; the worker renders the PDF and stores it on the invoice, which the invoice's
link then downloads. Nothing is rendered in a request."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from core.models import PdfJob, PdfJobState
from orders.models import Invoice, InvoiceKind
from tests.factories import UserFactory
from tests.orders.test_invoices import received_order

pytestmark = pytest.mark.worker


def test_the_worker_renders_an_issued_commercial_invoice_and_stores_it(celery_worker_process, client):
    worker = celery_worker_process
    order = received_order(recipient_name="王小明")
    client.force_login(UserFactory(roles=("finance",)))

    response = client.post(reverse("orders:invoice_create", args=[order.pk]), {
        "kind": InvoiceKind.COMMERCIAL, "issued_on": timezone.localdate().isoformat()})

    job = PdfJob.objects.get(kind="commercial_invoice")
    invoice = Invoice.objects.get(order=order)
    assert response.status_code == 302 and response.url == reverse("core:job_detail", args=[job.pk])
    worker.wait_for(lambda: Invoice.objects.get(pk=invoice.pk).file, timeout=60,
                    message="the worker to store the invoice's PDF")
    assert PdfJob.objects.get(pk=job.pk).state == PdfJobState.DONE
    assert 'id="job-ready"' in client.get(response.url).content.decode()
    download = client.get(reverse("orders:invoice_file", args=[invoice.pk]))
    text = PdfReader(io.BytesIO(b"".join(download.streaming_content))).pages[0].extract_text()
    assert "王小明" in text and invoice.number in text
