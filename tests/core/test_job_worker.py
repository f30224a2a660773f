"""With a real Celery worker and Redis (PostgreSQL pass): a print run made while the broker is down
commits and answers normally; once the broker is back the periodic sweep queues the job and the
worker renders the PDF — once, however many sweeps and messages there are.

"Broker down" is the web side pointed at a closed port (tests/notifications/test_worker.py does the
same); the shared Redis is never stopped."""

import time
from pathlib import Path

import pytest
from django.urls import reverse

from core.models import PdfJob, PdfJobState
from core.tasks import render_pdf_job, requeue_stalled_pdf_jobs
from core.transitions import timeline_for
from shipments.models import Shipment, ShipmentState
from tests.shipments.factories import make_world
from tests.shipments.test_dispatch_notes import approved
from tests.worker_support import celery_app_using

pytestmark = pytest.mark.worker

DEAD_BROKER = "redis://127.0.0.1:6390/11"  # nothing listens there: publishing fails


def test_a_print_run_during_a_broker_outage_is_printed_once_after_the_sweep(celery_worker_process, client, caplog):
    worker = celery_worker_process
    world = make_world(lines=2, quantity=4)
    ready = [approved(world, quantities=[1, 0]), approved(world, quantities=[0, 1])]
    client.force_login(world.warehouse_user)

    with celery_app_using(DEAD_BROKER):
        started = time.monotonic()
        response = client.post(reverse("shipments:queue_print"), {"shipment": [s.pk for s in ready], "layout": "a4"})
        elapsed = time.monotonic() - started

    job = PdfJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("core:job_detail", args=[job.pk])
    assert elapsed < 10, f"the print run waited {elapsed:.1f}s for a dead broker"
    assert "the periodic sweep will queue it again" in caplog.text
    assert {Shipment.objects.get(pk=s.pk).state for s in ready} == {ShipmentState.PICKING}
    time.sleep(1)
    assert PdfJob.objects.get(pk=job.pk).state == PdfJobState.QUEUED  # nothing reached the worker

    # The broker is back: the beat's sweep runs twice, and a stray duplicate message arrives too.
    requeue_stalled_pdf_jobs.delay(grace_seconds=0)
    requeue_stalled_pdf_jobs.delay(grace_seconds=0)
    render_pdf_job.delay(job.pk)

    worker.wait_for(lambda: PdfJob.objects.get(pk=job.pk).state == PdfJobState.DONE, timeout=60,
                    message="the swept job to be rendered")
    time.sleep(2)  # every duplicate has run by now
    job = PdfJob.objects.get(pk=job.pk)
    assert job.attempts == 1 and job.done_count == 2
    assert [e.transition for e in timeline_for(job)] == ["start", "finish"]
    # Rendered once: one claim (attempts), one start and one finish; the stored file is the PDF. (The
    # media directory is shared with other test sessions, so files are not counted there.)
    assert Path(job.file.path).read_bytes().startswith(b"%PDF")
