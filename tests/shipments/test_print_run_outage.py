"""Printing with the broker down (DESIGN.md, "Notifications": the same holds for every queued job): the
print run moves the shipments to picking and commits, the warehouse is sent on to the job's page as
usual, and the job waits queued for the periodic sweep — never a 500 after the shipments moved."""

import pytest
from django.urls import reverse

from core.models import PdfJob, PdfJobState
from core.tasks import requeue_stalled_pdf_jobs
from shipments.models import Shipment, ShipmentState
from tests.worker_support import celery_app_using

from .factories import make_world
from .test_dispatch_notes import approved

pytestmark = pytest.mark.django_db

DEAD_BROKER = "redis://127.0.0.1:6390/11"  # nothing listens there


@pytest.fixture
def world():
    return make_world(lines=2, quantity=4)


def test_a_print_run_with_the_broker_down_answers_normally_and_the_sweep_prints_it_later(
    client, world, caplog, django_capture_on_commit_callbacks
):
    ready = [approved(world, quantities=[1, 0]), approved(world, quantities=[0, 1])]
    client.force_login(world.warehouse_user)

    with celery_app_using(DEAD_BROKER), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("shipments:queue_print"),
                               {"shipment": [s.pk for s in ready], "layout": "a4"})

    job = PdfJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("core:job_detail", args=[job.pk])
    assert {Shipment.objects.get(pk=s.pk).state for s in ready} == {ShipmentState.PICKING}
    assert job.state == PdfJobState.QUEUED and job.published_at is None
    assert "the periodic sweep will queue it again" in caplog.text
    page = client.get(response.url)
    assert page.status_code == 200

    requeue_stalled_pdf_jobs(grace_seconds=0)  # the broker is back (in-process Celery here)
    job = PdfJob.objects.get(pk=job.pk)
    assert job.state == PdfJobState.DONE and job.file and job.attempts == 1
