"""Large list exports become background jobs (DESIGN.md, Reports; CONVENTIONS.md, "Queued work"): over
EXPORT_SYNC_MAX_ROWS the export request writes a job row and sends the requester to the job's page; the task
rebuilds the same list for that user — same filters, order, columns and permissions, in the requester's
language — writes the file once, and a broker that is down never fails the request."""

import csv
import io
from decimal import Decimal
from urllib.parse import unquote

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core import export_jobs
from core.models import JobFormat, PdfJob, PdfJobState
from core.pdf import run_pdf_job
from core.tasks import requeue_stalled_pdf_jobs
from notifications.models import Notification
from tests.factories import WarehouseFactory
from tests.worker_support import celery_app_using

pytestmark = pytest.mark.django_db

DEAD_BROKER = "redis://127.0.0.1:6390/11"  # nothing listens there: publishing fails
LIST = "catalog:warehouse_list"


@pytest.fixture(autouse=True)
def small_threshold(settings, tmp_path):
    settings.EXPORT_SYNC_MAX_ROWS = 2
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def warehouses():
    """Three 上海 warehouses (what the filter keeps) and one elsewhere; one of them inactive."""
    WarehouseFactory(code="SH-3", name="上海三号仓", address="=HYPERLINK(\"x\")", is_active=False)
    WarehouseFactory(code="SH-1", name="上海一号仓", address="浦东")
    WarehouseFactory(code="SH-2", name="上海二号仓", address="闵行")
    WarehouseFactory(code="BJ-1", name="北京仓", address="朝阳")


@pytest.fixture
def sales(client, make_user):
    user = make_user("sales", username="lina")
    client.force_login(user)
    return user


def csv_rows(data):
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def export(client, fmt="csv", **filters):
    return client.get(reverse(LIST), {"q": "上海", "sort": "code", "_export": fmt, **filters},
                      HTTP_ACCEPT_LANGUAGE="zh-hans")


def download(client, job):
    response = client.get(reverse("core:job_download", args=[job.pk]))
    return response, b"".join(response.streaming_content)


# ---- the service: a job row, run once --------------------------------------------------------------

def test_an_export_job_writes_the_rows_its_requester_sees_and_runs_once(sales, warehouses):
    job = export_jobs.request_export_job(
        actor=sales, fmt="csv", url_name=LIST, url_kwargs={}, query="q=北京", title="Warehouses",
        filename="warehouses", language="en")
    assert (job.kind, job.file_format, job.state) == ("export", JobFormat.CSV, PdfJobState.QUEUED)

    run_pdf_job(job.pk)
    run_pdf_job(job.pk)  # a duplicate message: the claim lets one run through

    job = PdfJob.objects.get(pk=job.pk)
    assert (job.state, job.attempts, job.total_count, job.progress) == (PdfJobState.DONE, 1, 1, 100)
    rows = csv_rows(job.file.read())
    assert rows == [["Code", "Name", "Address", "Active"], ["BJ-1", "北京仓", "朝阳", "yes"]]
    assert Notification.objects.filter(recipient=sales, event="pdf_job_done").count() == 1


def test_the_task_checks_again_that_the_requester_may_open_the_list(sales, warehouses):
    job = export_jobs.request_export_job(
        actor=sales, fmt="xlsx", url_name=LIST, url_kwargs={}, query="", title="Warehouses",
        filename="warehouses")
    sales.groups.remove(Group.objects.get(name="sales"))  # lost the role before the worker got to it

    run_pdf_job(job.pk)

    job = PdfJob.objects.get(pk=job.pk)
    assert job.state == PdfJobState.FAILED and not job.file
    assert job.error == "You may no longer open this list."


def test_a_job_for_a_list_that_no_longer_exists_fails_with_a_message(sales):
    job = export_jobs.request_export_job(
        actor=sales, fmt="csv", url_name="catalog:nothing_here", url_kwargs={}, query="", title="?",
        filename="x")
    run_pdf_job(job.pk)
    job = PdfJob.objects.get(pk=job.pk)
    assert job.state == PdfJobState.FAILED and job.error == "This list no longer exists."


# ---- the page: over the threshold a job, under it the file at once ---------------------------------

def test_a_large_export_goes_to_a_job_whose_file_holds_exactly_the_filtered_rows_in_chinese(
    client, sales, warehouses, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = export(client, "csv")

    job = PdfJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("core:job_detail", args=[job.pk])
    assert job.parameters["url_name"] == LIST and "_export" not in job.parameters["query"]
    assert job.state == PdfJobState.DONE and job.created_by == sales and job.total_count == 3

    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "3 rows written." in page and "Download CSV" in page and "job-preview" not in page

    response, data = download(client, job)
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    disposition = unquote(response["Content-Disposition"])
    assert disposition.startswith("attachment;") and "仓库-" in disposition and ".csv" in disposition
    rows = csv_rows(data)
    assert rows[0][0] == "编码"  # the requester's language, not the worker's
    assert [row[:3] for row in rows[1:]] == [
        ["SH-1", "上海一号仓", "浦东"], ["SH-2", "上海二号仓", "闵行"], ["SH-3", "上海三号仓", "'=HYPERLINK(\"x\")"],
    ]
    assert [row[3] for row in rows[1:]] == ["是", "是", "否"]
    assert b"<" not in data and b"href" not in data  # plain values: the name column's link is its text


def test_a_large_xlsx_export_downloads_as_a_workbook(
    client, sales, warehouses, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_SYNC_MAX_ROWS = 1
    with django_capture_on_commit_callbacks(execute=True):
        response = export(client, "xlsx", is_active="yes")
    job = PdfJob.objects.get()
    assert response.status_code == 302 and job.file_format == JobFormat.XLSX

    response, data = download(client, job)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert ".xlsx" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "编码"
    assert [row[:2] for row in rows[1:]] == [["SH-1", "上海一号仓"], ["SH-2", "上海二号仓"]]


def test_a_small_export_is_still_written_in_the_request(client, sales, warehouses, settings):
    settings.EXPORT_SYNC_MAX_ROWS = 10
    response = export(client, "csv")
    assert response.status_code == 200 and len(csv_rows(b"".join(response.streaming_content))) == 4
    assert not PdfJob.objects.exists()


def test_an_absurd_export_is_refused_and_queues_nothing(client, sales, warehouses, settings):
    settings.EXPORT_MAX_ROWS = 2
    response = export(client, "csv")
    assert response.status_code == 302 and "_export" not in response.url
    assert not PdfJob.objects.exists()


def test_another_user_cannot_see_the_export_job_or_its_file(
    client, sales, warehouses, make_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export(client, "csv")
    job = PdfJob.objects.get()
    client.force_login(make_user("sales", username="other"))
    assert client.get(reverse("core:job_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404


def test_an_export_with_the_broker_down_answers_the_redirect_and_the_sweep_writes_it_later(
    client, sales, warehouses, caplog, django_capture_on_commit_callbacks
):
    with celery_app_using(DEAD_BROKER), django_capture_on_commit_callbacks(execute=True):
        response = export(client, "csv")

    job = PdfJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("core:job_detail", args=[job.pk])
    assert job.state == PdfJobState.QUEUED and job.published_at is None
    assert "the periodic sweep will queue it again" in caplog.text
    assert client.get(response.url).status_code == 200

    requeue_stalled_pdf_jobs(grace_seconds=0)  # the broker is back (in-process Celery here)
    job = PdfJob.objects.get(pk=job.pk)
    assert job.state == PdfJobState.DONE and job.attempts == 1
    assert len(csv_rows(job.file.read())) == 4


def test_a_list_with_url_arguments_is_rebuilt_through_its_own_view(
    client, make_user, django_capture_on_commit_callbacks
):
    """One supplier's account entries (the URL names the supplier; the view exports the running balance)."""
    from reconciliation.models import EntryKind
    from tests.factories import SupplierFactory
    from tests.reconciliation.factories import post_entries

    supplier, other = SupplierFactory(), SupplierFactory()
    post_entries(supplier, [(EntryKind.FREIGHT, "10.00", None, "entry-a"),
                            (EntryKind.FREIGHT, "5.50", None, "entry-b"),
                            (EntryKind.CHARGE_BACK, "-3.00", None, "entry-c")])
    post_entries(other, [(EntryKind.FREIGHT, "99.00", None, "not-this-supplier")])
    client.force_login(make_user("finance"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("reconciliation:supplier_entries", args=[supplier.pk]), {"_export": "csv"})

    job = PdfJob.objects.get()
    assert response.status_code == 302 and job.parameters["url_kwargs"] == {"pk": supplier.pk}
    assert job.state == PdfJobState.DONE, job.error
    rows = csv_rows(download(client, job)[1])
    assert [row[2] for row in rows[1:]] == ["entry-a", "entry-b", "entry-c"]  # not the other supplier's
    assert Decimal(rows[-1][4]) == Decimal("12.5")  # the running balance, which only this view adds
