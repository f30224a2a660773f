"""PDF jobs: a requested batch renders in the background, shows its progress to the requester only,
stores its file and tells the requester."""

import io
from pathlib import Path

import pytest
from django.urls import reverse
from pypdf import PdfReader

from core import pdf
from core.models import PdfJob, PdfJobState
from core.tasks import render_pdf_job
from core.transitions import perform, timeline_for
from notifications.models import Notification
from tests.core.factories import PdfJobFactory

pytestmark = pytest.mark.django_db

TEMPLATES_DIR = Path(__file__).parent / "templates"


def build_slips(job):
    """A builder as an app registers it: contexts from the job's parameters."""
    count = job.parameters["count"]
    yield "tests_core/slip.html", [{"number": f"S-{i}", "name": f"张三{i}", "city": "上海市"} for i in range(count)]


def build_nothing_valid(job):
    raise RuntimeError("supplier 42 has no address")
    yield  # pragma: no cover


@pytest.fixture(autouse=True)
def setup(settings, tmp_path):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], TEMPLATES_DIR]}]
    settings.MEDIA_ROOT = tmp_path
    pdf.register_document("test_slips", build_slips, label="Test slips")
    pdf.register_document("test_broken", build_nothing_valid)
    yield
    pdf.unregister_document("test_slips")
    pdf.unregister_document("test_broken")


def fetch(job):
    return PdfJob.objects.get(pk=job.pk)


def test_a_requested_job_renders_to_done_with_its_file_and_tells_the_requester(
    make_user, django_capture_on_commit_callbacks
):
    clerk = make_user("warehouse", username="wang")
    with django_capture_on_commit_callbacks(execute=True):
        job = pdf.request_pdf_job(kind="test_slips", parameters={"count": 5}, actor=clerk)

    job = fetch(job)
    assert (job.state, job.progress, job.total_count, job.done_count) == (PdfJobState.DONE, 100, 5, 5)
    assert job.finished_at is not None and job.error == ""
    reader = PdfReader(io.BytesIO(job.file.read()))
    assert len(reader.pages) == 5
    assert "张三4" in reader.pages[4].extract_text()
    assert [(e.transition, e.target) for e in timeline_for(job)] == [("start", "running"), ("finish", "done")]
    note = Notification.objects.get(recipient=clerk)
    assert "Test slips" in note.subject and note.link == reverse("core:job_detail", args=[job.pk])


def test_progress_is_recorded_per_chunk(make_user, monkeypatch):
    job = PdfJobFactory(parameters={"count": 5})
    seen = []
    real = pdf._record_progress

    def spy(job_id, offset, total, done, group_total):
        real(job_id, offset, total, done, group_total)
        seen.append(PdfJob.objects.values_list("done_count", "progress").get(pk=job_id))

    monkeypatch.setattr(pdf, "_record_progress", spy)
    monkeypatch.setattr(pdf, "render_many", _small_chunks(pdf.render_many))
    render_pdf_job(job.pk)
    assert seen == [(2, 40), (4, 80), (5, 99)]  # 100 % only once the file is stored
    assert fetch(job).progress == 100


def _small_chunks(render_many):
    def render(template_name, contexts, chunk_size=80, progress=None, **kwargs):
        return render_many(template_name, contexts, chunk_size=2, progress=progress, **kwargs)

    return render


def test_progress_never_goes_backwards():
    job = PdfJobFactory()
    perform(job, "start", actor=None, total=10, update_fields=["total_count"])
    pdf._record_progress(job.pk, 0, 10, 6, 10)
    pdf._record_progress(job.pk, 0, 10, 3, 10)  # a late, older update
    assert (fetch(job).done_count, fetch(job).progress) == (6, 60)


def test_running_the_task_again_renders_nothing_again():
    """At most once per row: a duplicate or re-delivered message finds the job claimed and done."""
    job = PdfJobFactory(parameters={"count": 2})
    render_pdf_job(job.pk)
    first = fetch(job)
    stamp = Path(first.file.path).stat().st_mtime_ns
    render_pdf_job(job.pk)
    job = fetch(job)
    assert job.state == PdfJobState.DONE and job.file.name == first.file.name and job.attempts == 1
    assert Path(job.file.path).stat().st_mtime_ns == stamp
    assert len(list(Path(job.file.path).parent.iterdir())) == 1
    assert [e.transition for e in timeline_for(job)] == ["start", "finish"]
    assert Notification.objects.filter(recipient=job.created_by).count() == 1


def test_a_failing_builder_ends_the_job_failed_with_the_error():
    job = PdfJobFactory(kind="test_broken")
    render_pdf_job(job.pk)
    job = fetch(job)
    assert job.state == PdfJobState.FAILED
    assert "supplier 42 has no address" in job.error
    assert not job.file
    assert Notification.objects.get(recipient=job.created_by).event == "pdf_job_failed"


def test_a_job_deleted_before_its_task_runs_is_skipped():
    job = PdfJobFactory()
    job_id = job.pk
    job.delete()
    assert render_pdf_job(job_id) is None
    assert not PdfJob.objects.exists()


def test_an_unknown_kind_cannot_be_requested(make_user):
    with pytest.raises(ValueError, match="No PDF document"):
        pdf.request_pdf_job(kind="nonsense", parameters={}, actor=make_user("sales"))
    assert not PdfJob.objects.exists()


class TestJobPage:
    def test_the_requester_sees_progress_polled_every_second(self, client):
        job = PdfJobFactory()
        client.force_login(job.created_by)
        page = client.get(reverse("core:job_detail", args=[job.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        assert 'hx-trigger="every 1s"' in html and 'role="progressbar"' in html and "Test slips" in html
        assert "job-download" not in html

    def test_the_poll_returns_just_the_progress_and_stops_when_done(self, client):
        job = PdfJobFactory(parameters={"count": 2})
        client.force_login(job.created_by)
        url = reverse("core:job_detail", args=[job.pk])
        running = client.get(url, headers={"HX-Request": "true"}).content.decode()
        assert running.lstrip().startswith('<div id="job-progress"') and "every 1s" in running
        render_pdf_job(job.pk)
        done = client.get(url, headers={"HX-Request": "true"}).content.decode()
        assert "hx-trigger" not in done and reverse("core:job_download", args=[job.pk]) in done
        assert 'aria-valuenow="100"' in done

    def test_the_requester_downloads_the_pdf(self, client):
        job = PdfJobFactory(parameters={"count": 1})
        render_pdf_job(job.pk)
        client.force_login(job.created_by)
        response = client.get(reverse("core:job_download", args=[job.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")

    def test_another_user_gets_404_for_page_and_download(self, client, make_user):
        job = PdfJobFactory(parameters={"count": 1})
        render_pdf_job(job.pk)
        client.force_login(make_user("warehouse", "manager"))
        assert client.get(reverse("core:job_detail", args=[job.pk])).status_code == 404
        assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404

    def test_a_superuser_may_see_any_job(self, client, make_user):
        job = PdfJobFactory(parameters={"count": 1})
        render_pdf_job(job.pk)
        client.force_login(make_user(is_superuser=True))
        assert client.get(reverse("core:job_detail", args=[job.pk])).status_code == 200
        assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 200

    def test_the_download_is_404_until_the_file_is_ready(self, client):
        job = PdfJobFactory()
        client.force_login(job.created_by)
        assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404

    def test_a_failed_job_shows_its_error(self, client):
        job = PdfJobFactory(kind="test_broken")
        render_pdf_job(job.pk)
        client.force_login(job.created_by)
        html = client.get(reverse("core:job_detail", args=[job.pk])).content.decode()
        assert "The job failed." in html and "supplier 42 has no address" in html

    def test_a_supplier_login_never_sees_a_job(self, client, make_user):
        job = PdfJobFactory()
        client.force_login(make_user("supplier"))
        response = client.get(reverse("core:job_detail", args=[job.pk]))
        assert response.status_code == 302 and response.url == reverse("portal:home")
