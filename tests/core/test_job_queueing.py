"""PDF jobs are rows first (CONVENTIONS.md, "Queued work"): the job is written in the request's
transaction and its task published once that commits. A broker that is down then is logged, never
raised (the request that committed answers normally), the job stays queued, and the periodic sweep
publishes it again; the task claims the row, so a job is rendered at most once."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from config.celery import app as celery_app
from core import pdf
from core.models import PdfJob, PdfJobState
from core.tasks import render_pdf_job, requeue_stalled_pdf_jobs
from core.transitions import timeline_for
from tests.core.factories import PdfJobFactory
from tests.worker_support import celery_app_using

pytestmark = pytest.mark.django_db

TEMPLATES_DIR = Path(__file__).parent / "templates"
DEAD_BROKER = "redis://127.0.0.1:6390/11"  # nothing listens there: publishing fails at once


def build_slips(job):
    yield "tests_core/slip.html", [{"number": f"S-{i}", "name": f"李四{i}", "city": "杭州市"}
                                   for i in range(job.parameters["count"])]


@pytest.fixture(autouse=True)
def setup(settings, tmp_path):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], TEMPLATES_DIR]}]
    settings.MEDIA_ROOT = tmp_path
    pdf.register_document("test_slips", build_slips, label="Test slips")
    yield
    pdf.unregister_document("test_slips")


def fetch(job):
    return PdfJob.objects.get(pk=job.pk)


def aged(job, **fields):
    """Move a job's timestamps into the past (the sweep looks at ages)."""
    PdfJob.objects.filter(pk=job.pk).update(**fields)
    return fetch(job)


def test_with_the_broker_down_the_request_commits_and_the_job_waits_queued(
    make_user, caplog, django_capture_on_commit_callbacks
):
    clerk = make_user("warehouse")
    with celery_app_using(DEAD_BROKER), django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = pdf.request_pdf_job(kind="test_slips", parameters={"count": 1}, actor=clerk)
    assert len(callbacks) == 1  # published on commit, not before
    job = fetch(job)
    assert job.state == PdfJobState.QUEUED and job.published_at is None and job.claimed_at is None
    assert "the periodic sweep will queue it again" in caplog.text


def test_the_sweep_publishes_jobs_never_sent_lost_or_abandoned_and_nothing_else(make_user):
    now = timezone.now()
    old = now - datetime.timedelta(minutes=2)
    never_sent = aged(PdfJobFactory(), created_at=old)
    just_asked = PdfJobFactory()  # younger than the grace: its on-commit publish may still be under way
    sent = aged(PdfJobFactory(), created_at=old, published_at=old)  # waiting in the broker's queue
    lost = aged(PdfJobFactory(), created_at=now - datetime.timedelta(hours=1),
                published_at=now - pdf.REPUBLISH_AFTER - datetime.timedelta(minutes=1))
    running = aged(PdfJobFactory(), created_at=old, published_at=old, claimed_at=old)
    abandoned = aged(PdfJobFactory(), created_at=now - datetime.timedelta(hours=2), published_at=old,
                     claimed_at=now - pdf.STALE_CLAIM - datetime.timedelta(minutes=1))
    finished = aged(PdfJobFactory(), created_at=old)
    render_pdf_job(finished.pk)
    PdfJob.objects.filter(pk=running.pk).update(state=PdfJobState.RUNNING)
    PdfJob.objects.filter(pk=abandoned.pk).update(state=PdfJobState.RUNNING)

    stalled = pdf.stalled_pdf_job_ids(grace=datetime.timedelta(seconds=30))

    assert sorted(stalled) == sorted([never_sent.pk, lost.pk, abandoned.pk])
    assert just_asked.pk not in stalled and sent.pk not in stalled and running.pk not in stalled


def test_the_sweep_task_renders_what_the_outage_left_behind_once(
    make_user, django_capture_on_commit_callbacks
):
    clerk = make_user("warehouse")
    with celery_app_using(DEAD_BROKER), django_capture_on_commit_callbacks(execute=True):
        job = pdf.request_pdf_job(kind="test_slips", parameters={"count": 2}, actor=clerk)
    assert fetch(job).state == PdfJobState.QUEUED

    # The broker is back (Celery runs in-process in these tests); the beat's sweep runs, twice.
    assert requeue_stalled_pdf_jobs(grace_seconds=0) == 1
    assert requeue_stalled_pdf_jobs(grace_seconds=0) == 0

    job = fetch(job)
    assert job.state == PdfJobState.DONE and job.attempts == 1 and job.file
    assert [e.transition for e in timeline_for(job)] == ["start", "finish"]


def test_a_job_is_claimed_by_one_run_only():
    job = PdfJobFactory()
    first = pdf.claim_pdf_job(job.pk)
    assert first is not None
    assert pdf.claim_pdf_job(job.pk) is None
    assert fetch(job).attempts == 1


def test_a_claim_older_than_the_time_limit_is_taken_over_by_one_new_run():
    job = PdfJobFactory(parameters={"count": 1})
    dead_claim = pdf.claim_pdf_job(job.pk)
    PdfJob.objects.filter(pk=job.pk).update(state=PdfJobState.RUNNING,
                                            claimed_at=dead_claim - pdf.STALE_CLAIM - datetime.timedelta(seconds=1))
    assert pdf.claim_pdf_job(job.pk) is not None  # the sweep's new run wins the stale claim …
    assert pdf.claim_pdf_job(job.pk) is None      # … and only it


def test_a_run_whose_claim_was_taken_over_stores_nothing(monkeypatch):
    job = PdfJobFactory(parameters={"count": 1})
    real = pdf.render_many

    def slow_render(*args, **kwargs):
        # While this run renders, its claim is taken over by another run (it looked dead).
        PdfJob.objects.filter(pk=job.pk).update(claimed_at=timezone.now() + datetime.timedelta(seconds=5))
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "render_many", slow_render)
    render_pdf_job(job.pk)
    job = fetch(job)
    assert job.state == PdfJobState.RUNNING and not job.file  # the other run finishes it


def test_a_rerun_after_a_takeover_renders_and_finishes_the_job():
    job = PdfJobFactory(parameters={"count": 1})
    PdfJob.objects.filter(pk=job.pk).update(
        state=PdfJobState.RUNNING, claimed_at=timezone.now() - pdf.STALE_CLAIM - datetime.timedelta(seconds=1))
    render_pdf_job(job.pk)
    job = fetch(job)
    assert job.state == PdfJobState.DONE and job.file


def test_the_beat_runs_the_sweep_every_minute():
    entry = next(e for e in django_settings.CELERY_BEAT_SCHEDULE.values()
                 if e["task"] == "core.tasks.requeue_stalled_pdf_jobs")
    assert entry["schedule"] <= 60
    assert "core.tasks.requeue_stalled_pdf_jobs" in celery_app.tasks
