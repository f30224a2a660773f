"""With a real Celery worker and Redis (PostgreSQL pass): a large list export asked for on the page is
written by the worker — once, however many messages and sweeps arrive — and downloads with exactly the
filtered rows, in the requester's language."""

import csv
import io
import time

import pytest
from django.urls import reverse

from core.models import PdfJob, PdfJobState
from core.tasks import render_pdf_job, requeue_stalled_pdf_jobs
from core.transitions import timeline_for
from tests.factories import WarehouseFactory

pytestmark = pytest.mark.worker


def test_the_worker_writes_a_large_export_once(celery_worker_process, client, make_user, settings):
    settings.EXPORT_SYNC_MAX_ROWS = 2
    for code in ("SH-3", "SH-1", "SH-2"):
        WarehouseFactory(code=code, name=f"上海{code}")
    WarehouseFactory(code="BJ-1", name="北京仓")
    client.force_login(make_user("sales"))

    response = client.get(reverse("catalog:warehouse_list"), {"q": "上海", "sort": "code", "_export": "csv"},
                          HTTP_ACCEPT_LANGUAGE="zh-hans")

    job = PdfJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("core:job_detail", args=[job.pk])
    requeue_stalled_pdf_jobs.delay(grace_seconds=0)  # a sweep and a stray duplicate message on top
    render_pdf_job.delay(job.pk)
    celery_worker_process.wait_for(lambda: PdfJob.objects.get(pk=job.pk).state == PdfJobState.DONE, timeout=60,
                                   message="the export to be written")
    time.sleep(2)  # every duplicate has run by now
    job = PdfJob.objects.get(pk=job.pk)
    assert job.attempts == 1 and job.total_count == 3
    assert [e.transition for e in timeline_for(job)] == ["start", "finish"]

    download = client.get(reverse("core:job_download", args=[job.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "编码" and [row[0] for row in rows[1:]] == ["SH-1", "SH-2", "SH-3"]
