"""PDFs: one renderer (a Django template → HTML → WeasyPrint) and background PDF jobs with progress.

Document templates extend "pdf/base.html" and fill two blocks::

    {% extends "pdf/base.html" %}
    {% block style %}@page { size: A5 landscape; } .slip h1 { font-size: 14pt; }{% endblock %}
    {% block page %}<div class="slip"><h1>{{ page.recipient_name }}</h1> …</div>{% endblock %}

`{% block page %}` is rendered once per context, each available as `page` (one PDF page or more
each); names given in `common` are available to every page. The body font is
settings.PDF_FONT_STACK (a TrueType CJK font first: WenQuanYi Micro Hei). Images and stylesheets
may come only from static files (`{% static %}` URLs or file paths under the static dirs) or data:
URIs; nothing is fetched over the network.

Long runs go through a `PdfJob`: register a builder once (e.g. in an app's `ready()`):

    register_document("dispatch_notes", build_dispatch_notes)

where `build_dispatch_notes(job)` yields `(template_name, contexts)` pairs from `job.parameters`;
then `request_pdf_job(kind="dispatch_notes", parameters={...}, actor=user)` writes the job row and, once
the caller's transaction commits, queues the task `core.tasks.render_pdf_job` (a broker that is down is
logged, never raised: the periodic sweep `core.tasks.requeue_pdf_jobs` queues it again); the task claims
the row, so each job is rendered at most once. Its page `core:job_detail` shows progress and the download.
Large list exports are jobs of this one mechanism too (kind "export", format csv/xlsx; core/export_jobs.py):
the same row, claim, sweep, task and page. When the job ends (done or failed), `pdf_job_finished` is sent with `job` inside the transaction
that ends it; notifications/receivers.py tells the requester through the inbox (core never imports
the apps above it).
"""

import io
import logging
import mimetypes
import threading
from contextlib import contextmanager
from datetime import timedelta
from functools import partial
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils._os import safe_join
from pypdf import PdfWriter
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .models import PdfJob, PdfJobState
from .queueing import publish, publish_on_commit
from .transitions import perform

logger = logging.getLogger(__name__)

BASE_URL = "file:///"  # "/static/x.css" resolves to file:///static/x.css, which the fetcher maps

# ---- the renderer ---------------------------------------------------------------------------------


class StaticFilesURLFetcher(URLFetcher):
    """Serves static files from disk and data: URIs; refuses everything else (no network at all)."""

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        path = static_path_for(url)
        if path is None:
            raise ValueError(f"PDF rendering fetches only static files; refused {url!r}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


def _static_roots():
    roots = []
    for entry in settings.STATICFILES_DIRS:
        roots.append(Path(entry[1] if isinstance(entry, list | tuple) else entry))
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return [root.resolve() for root in roots]


def static_path_for(url):
    """The file on disk that a static URL (or a file: URL under a static dir) names, else None."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = url2pathname(unquote(parts.path))
    static_prefix = urlsplit(settings.STATIC_URL).path
    if static_prefix and path.startswith(static_prefix):
        relative = path[len(static_prefix):]
        if not relative or ".." in Path(relative).parts:
            return None
        try:
            found = finders.find(relative)
            if not found and settings.STATIC_ROOT:
                candidate = Path(safe_join(settings.STATIC_ROOT, relative))
                found = candidate if candidate.is_file() else None
        except SuspiciousFileOperation:  # a path escaping its root
            return None
        return Path(found) if found else None
    resolved = Path(path).resolve()
    if resolved.is_file() and any(resolved.is_relative_to(root) for root in _static_roots()):
        return resolved
    return None


_font_config = None
_font_config_lock = threading.Lock()


def font_config():
    """One FontConfiguration per process, reused by every render (building one costs time)."""
    global _font_config
    if _font_config is None:
        with _font_config_lock:
            if _font_config is None:
                _font_config = FontConfiguration()
    return _font_config


def _document(template_name, pages, common):
    html = render_to_string(
        template_name, {**(common or {}), "pages": pages, "pdf_font_stack": settings.PDF_FONT_STACK}
    )
    return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFilesURLFetcher()).render(
        font_config=font_config()
    )


def render_html(template_name, context, *, common=None):
    """The HTML `render_pdf` would lay out, for a page's preview (a GET renders this, never a PDF)."""
    return render_to_string(template_name, {**(common or {}), **context, "pages": [context],
                                            "pdf_font_stack": settings.PDF_FONT_STACK})


def render_pdf(template_name, context, *, common=None):
    """One document (its context available as `page` and, for convenience, at the top level)."""
    document = _document(template_name, [context], {**(common or {}), **context})
    return document.write_pdf()


def render_many(template_name, contexts, chunk_size=80, progress=None, *, common=None):
    """Many documents in one PDF: `chunk_size` contexts per WeasyPrint render (laying many out at once
    is ~30x faster per slip than one by one), chunks merged with pypdf so only one chunk's layout is
    in memory at a time. `progress(done, total)` is called after every chunk."""
    contexts = list(contexts)
    total = len(contexts)
    if total == 0:
        raise ValueError("render_many needs at least one context")
    chunk_size = max(1, int(chunk_size))
    parts = []
    for start in range(0, total, chunk_size):
        chunk = contexts[start:start + chunk_size]
        parts.append(_document(template_name, chunk, common).write_pdf())
        if progress is not None:
            progress(start + len(chunk), total)
    return merge_pdfs(parts)


def merge_pdfs(parts):
    """Concatenate PDFs (bytes) into one."""
    if len(parts) == 1:
        return parts[0]
    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    out = io.BytesIO()
    writer.write(out)
    writer.close()
    return out.getvalue()


# ---- document registry and PDF jobs --------------------------------------------------------------

_documents = {}

# Sent with `job` inside the transaction that ends a job (done or failed): receivers write with it.
pdf_job_finished = Signal()


def register_document(kind, builder, *, label=None):
    """Register `builder(job)` → iterable of (template_name, contexts) under `kind`; `label` (lazy
    translated) names the document on the job page and in the notification."""
    _documents[kind] = (builder, label or kind)


def document_label(kind, *, lazy=False):
    """The registered label of `kind` (in the active language; `lazy`: the lazy text itself, for a caller
    that stores it to render later in someone else's language)."""
    entry = _documents.get(kind)
    if entry is None:
        return kind
    return entry[1] if lazy else str(entry[1])


def unregister_document(kind):
    _documents.pop(kind, None)


def registered_kinds():
    return sorted(_documents)


def request_pdf_job(*, kind, parameters=None, actor):
    """Create a queued job for `actor` (a row, in the caller's transaction) and publish its task once
    that transaction commits. A broker that is down then never fails the caller: the job stays queued
    and `requeue_pdf_jobs` (the periodic sweep) publishes it again."""
    if kind not in _documents:
        raise ValueError(f"No PDF document of kind {kind!r} is registered")
    return queue_new_job(kind=kind, parameters=parameters or {}, created_by=actor)


def queue_new_job(**fields):
    """Write a job row (`fields`) in the caller's transaction and publish its task once that transaction
    commits: every job, a PDF (`request_pdf_job`) or a list export (core.export_jobs), is queued here."""
    with transaction.atomic():
        job = PdfJob.objects.create(**fields)
        publish_on_commit(queue_pdf_jobs, [job.pk])
    return job


# ---- queueing: publish, claim, sweep (core/queueing.py) ----------------------------------------------

# A claim older than the render task's hard time limit (core/tasks.py) belongs to a run that is dead:
# the sweep may hand the job to another run. Younger claims are never taken over (at most one run).
PDF_SOFT_TIME_LIMIT = 25 * 60  # a batch of a few thousand slips takes minutes (≈0.02 s per slip)
PDF_TIME_LIMIT = 30 * 60
STALE_CLAIM = timedelta(seconds=PDF_TIME_LIMIT + 5 * 60)
# A job published but not claimed for this long lost its message (a broker restarted without its data):
# the sweep publishes it again. A duplicate message is harmless: the claim lets one run through.
REPUBLISH_AFTER = timedelta(minutes=10)
SWEEP_BATCH = 200


def queue_pdf_jobs(job_ids):
    """Publish one render task per job and record when (`published_at`). Never raises: a job whose
    message could not be sent stays unpublished for the sweep. Returns how many were published."""
    from .tasks import render_pdf_job

    published = [job_id for job_id in job_ids if publish(render_pdf_job, job_id)]
    if published:
        try:
            PdfJob.objects.filter(pk__in=published, state=PdfJobState.QUEUED).update(published_at=timezone.now())
        except Exception:  # noqa: BLE001 - after commit: the job is queued either way; the sweep may repeat it
            logger.exception("Could not record that PDF jobs %s were queued", published)
    return len(published)


def _claimable(now):
    return (Q(state=PdfJobState.QUEUED, claimed_at__isnull=True)
            | Q(state__in=[PdfJobState.QUEUED, PdfJobState.RUNNING], claimed_at__lt=now - STALE_CLAIM))


def claim_pdf_job(job_id):
    """Claim job `job_id` for this run with ONE conditional UPDATE; its row count says whether this run
    won. Returns the claim (the time written into `claimed_at`), or None when another run has it or the
    job is finished."""
    now = timezone.now()
    won = PdfJob.objects.filter(Q(pk=job_id), _claimable(now)).update(claimed_at=now, attempts=F("attempts") + 1)
    return now if won else None


def stalled_pdf_job_ids(*, grace=timedelta(seconds=30), limit=SWEEP_BATCH):
    """Jobs to publish again: queued ones never published (the broker was down) older than `grace`,
    queued ones published but unclaimed for REPUBLISH_AFTER, and claims of runs that died."""
    now = timezone.now()
    unclaimed = Q(state=PdfJobState.QUEUED, claimed_at__isnull=True)
    return list(
        PdfJob.objects.filter(
            (unclaimed & Q(published_at__isnull=True, created_at__lte=now - grace))
            | (unclaimed & Q(published_at__lte=now - REPUBLISH_AFTER))
            | Q(state__in=[PdfJobState.QUEUED, PdfJobState.RUNNING], claimed_at__lt=now - STALE_CLAIM)
        ).order_by("created_at", "pk").values_list("pk", flat=True)[:limit]
    )


def requeue_pdf_jobs(*, grace=timedelta(seconds=30), limit=SWEEP_BATCH):
    """The periodic sweep (core.tasks.requeue_pdf_jobs): publish stalled jobs again. Returns how many."""
    return queue_pdf_jobs(stalled_pdf_job_ids(grace=grace, limit=limit))


PROGRESS_FIELDS = ["total_count", "done_count", "progress", "error", "finished_at"]


def run_pdf_job(job_id):
    """Make job `job_id`'s file (a registered document's PDF, or a list export: core/export_jobs.py) and
    store it — at most once: the run first claims the row
    (`claim_pdf_job`); a duplicate message, a second sweep or a re-delivery finds it claimed or finished
    and does nothing. Failures end the job in `failed` with the error text (no retry)."""
    job = PdfJob.objects.filter(pk=job_id).first()
    if job is None:  # deleted since it was queued: nothing to do
        logger.warning("PDF job %s no longer exists", job_id)
        return None
    claim = claim_pdf_job(job.pk)
    if claim is None:
        logger.info("PDF job %s is %s and claimed by another run: not run again", job.pk, job.state)
        return job
    job = PdfJob.objects.select_related("created_by").get(pk=job.pk)
    perform(job, "start", actor=None, update_fields=PROGRESS_FIELDS)
    try:
        with _job_file(job) as (name, content), transaction.atomic():
            if not PdfJob.objects.select_for_update().filter(pk=job.pk, claimed_at=claim).exists():
                logger.warning("Job %s was taken over by another run; this run's file is dropped", job.pk)
                return PdfJob.objects.get(pk=job.pk)
            if job.file:
                job.file.delete(save=False)
            job.file.save(name, content, save=False)
            perform(job, "finish", actor=None, finished_at=timezone.now(), update_fields=["file", *PROGRESS_FIELDS])
            pdf_job_finished.send(sender=PdfJob, job=job)
    except Exception as exc:
        from .export_jobs import ExportRefused

        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        # A refused export says why in the requester's words; anything else names the error.
        error = str(exc) if isinstance(exc, ExportRefused) else f"{type(exc).__name__}: {exc}"
        job = PdfJob.objects.get(pk=job.pk)
        if job.state in (PdfJobState.QUEUED, PdfJobState.RUNNING) and job.claimed_at == claim:
            with transaction.atomic():
                perform(job, "fail", actor=None, error=error,
                        finished_at=timezone.now(), update_fields=PROGRESS_FIELDS)
                pdf_job_finished.send(sender=PdfJob, job=job)
    return job


def _job_file(job):
    """The job's file as a context manager yielding (storage name, content): a list export's rows written
    by core.export_jobs, or the registered document's PDF."""
    from .export_jobs import export_file, is_export

    if is_export(job):
        return export_file(job)
    return _rendered_pdf(job)


def job_language(job):
    """The language a job's file is written in: the one its requester reads Consign in (their preference
    when the job runs), else the one asked for in its parameters, else the site's."""
    language = getattr(job.created_by, "language", "") if job.created_by_id else ""
    return language or (job.parameters or {}).get("language") or settings.LANGUAGE_CODE


@contextmanager
def _rendered_pdf(job):
    if job.kind not in _documents:
        raise LookupError(f"No PDF document of kind {job.kind!r} is registered")
    with translation.override(job_language(job)):
        yield from _rendered_pdf_in_language(job)


def _rendered_pdf_in_language(job):
    builder = _documents[job.kind][0]
    groups = [(template_name, list(contexts)) for template_name, contexts in builder(job)]
    total = sum(len(contexts) for _, contexts in groups)
    if total == 0:
        raise ValueError("The job has no documents to render")
    PdfJob.objects.filter(pk=job.pk).update(total_count=total)
    job.total_count = total
    parts, offset = [], 0
    for template_name, contexts in groups:
        parts.append(
            render_many(template_name, contexts, progress=partial(_record_progress, job.pk, offset, total))
        )
        offset += len(contexts)
    data = merge_pdfs(parts)
    del parts
    yield f"{job.kind}-{job.pk}.pdf", ContentFile(data)


def _record_progress(job_id, offset, total, done, _group_total):
    """Conditional UPDATE: only forward, only while running; 100 % is set when the file is stored."""
    done = offset + done
    PdfJob.objects.filter(pk=job_id, state=PdfJobState.RUNNING, done_count__lt=done).update(
        done_count=done, progress=min(99, done * 100 // total)
    )
