"""A statement's PDF asked for while the broker is down: the request answers normally (on to the job's
page) and the job waits queued for the periodic sweep."""

import pytest
from django.urls import reverse

from core.models import PdfJob, PdfJobState
from tests.factories import SupplierFactory
from tests.reconciliation.factories import MIXED, build, post_entries
from tests.worker_support import celery_app_using

pytestmark = pytest.mark.django_db

DEAD_BROKER = "redis://127.0.0.1:6390/11"  # nothing listens there


def test_the_statement_pdf_is_queued_even_with_the_broker_down(client, make_user, django_capture_on_commit_callbacks):
    finance = make_user("finance")
    supplier = SupplierFactory()
    statement = build(supplier, post_entries(supplier, MIXED), finance)
    client.force_login(finance)
    with celery_app_using(DEAD_BROKER), django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reconciliation:statement_pdf", args=[statement.pk]))
    job = PdfJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("core:job_detail", args=[job.pk])
    assert job.state == PdfJobState.QUEUED and job.published_at is None
