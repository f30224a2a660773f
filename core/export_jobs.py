"""Large list exports as background jobs (DESIGN.md, Reports: "export of any table … as a background job
when large"; CONVENTIONS.md, "Queued work").

An export of more than EXPORT_SYNC_MAX_ROWS rows (core.exporting.sync_max_rows) is not written in the
request: ConsignListView.export calls `request_export_job`, which writes a PdfJob row of kind "export" (the
one job mechanism: core/pdf.py claims, runs and sweeps it; core/jobs.py shows it) in the request's
transaction and publishes its task once that transaction commits. The row stores what the list was — its
URL name and kwargs, its query string, the format, the language and the requester — never a queryset.

Report dashboards export their tables the same way (reports/exports.py): any view class with an
`export_job` attribute can be rebuilt by the task and then returns an ExportTable.

The task (core.pdf.run_pdf_job → `export_file`) rebuilds that list through its own view class for the
requester, as a request would: the requester's access to the page and its permissions are checked again,
the view's filters, its queryset and its table decide the rows and columns, so the file holds exactly what
that user would see. The rows are read in chunks and written to a temporary file (plain values, as the
synchronous export writes them), so memory stays bounded however many rows there are."""

import io
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.http import Http404, HttpRequest, QueryDict
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from . import exporting
from .models import EXPORT_KIND, JobFormat, PdfJob, PdfJobState

PROGRESS_EVERY = 1000  # rows between two progress updates of the job row


class ExportRefused(Exception):
    """The export cannot be written for its requester (no longer allowed, filters invalid, too large)."""


@dataclass
class ExportTable:
    """What a list view hands the export task: header labels, the rows (lazy), their count, a file stem."""

    headers: list
    rows: object
    total: int
    stem: str


def request_export_job(*, actor, fmt, url_name, url_kwargs, query, title, filename, language=None):
    """Write the export job row for `actor` in the caller's transaction and publish its task on commit (a
    broker that is down is logged, never raised; the periodic sweep publishes the row later)."""
    from .pdf import queue_new_job

    if fmt not in exporting.FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    parameters = {
        "url_name": url_name,
        "url_kwargs": {key: value if isinstance(value, int) else str(value) for key, value in url_kwargs.items()},
        "query": query,
        "title": title,
        "filename": filename,
        "language": language or settings.LANGUAGE_CODE,
    }
    return queue_new_job(kind=EXPORT_KIND, file_format=fmt, parameters=parameters, created_by=actor)


def is_export(job):
    return job.kind == EXPORT_KIND


def download_name(job):
    """The name the requester's browser saves the file under: the list's name, when it was written."""
    if not is_export(job):
        return f"{job.kind}-{job.pk}.pdf"
    return exporting.filename_for(job.parameters.get("filename") or "export", job.file_format,
                                  at=job.finished_at)


def content_type(job):
    return exporting.CONTENT_TYPES.get(job.file_format, "application/pdf")


def _request_for(job, path, match):
    from .views import EXPORT_PARAM

    query = QueryDict(job.parameters.get("query", ""), mutable=True)
    query[EXPORT_PARAM] = job.file_format
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = query
    request.META = {"REQUEST_METHOD": "GET", "QUERY_STRING": query.urlencode(),
                    "SERVER_NAME": "localhost", "SERVER_PORT": "80"}
    request.user = job.created_by
    request.LANGUAGE_CODE = translation.get_language()
    request.resolver_match = match
    request.htmx = HtmxDetails(request)
    return request


def rebuild_table(job):
    """The export's rows as its requester sees the list now, through the list's own view class. Raises
    ExportRefused when the requester may no longer open the list or the list refuses the export."""
    from .access import user_may_open

    parameters = job.parameters
    try:
        path = reverse(parameters["url_name"], kwargs=parameters.get("url_kwargs") or {})
        match = resolve(path)
    except (KeyError, NoReverseMatch, Resolver404) as exc:
        raise ExportRefused(_("This list no longer exists.")) from exc
    view_class = getattr(match.func, "view_class", None)
    user = job.created_by
    # Any view that can be rebuilt for a job: a list page (core.views.ConsignListView) or a report
    # dashboard's table; such a view takes `export_job` and then returns an ExportTable.
    if view_class is None or not hasattr(view_class, "export_job"):
        raise ExportRefused(_("This list no longer exists."))
    if not user.is_active or not user_may_open(user, match.func):
        raise ExportRefused(_("You may no longer open this list."))
    view = view_class.as_view(**getattr(match.func, "view_initkwargs", {}), export_job=job)
    try:
        result = view(_request_for(job, path, match), *match.args, **match.kwargs)
    except PermissionDenied as exc:
        raise ExportRefused(_("You may no longer open this list.")) from exc
    except Http404 as exc:
        raise ExportRefused(_("This list no longer exists.")) from exc
    if not isinstance(result, ExportTable):
        raise ExportRefused(_("This list cannot be exported."))
    return result


def _counted(rows, job_id, total):
    """Pass the rows through, recording progress every PROGRESS_EVERY rows (forward only, while running)."""
    for done, row in enumerate(rows, start=1):
        yield row
        if done % PROGRESS_EVERY == 0 and total:
            shown = min(done, total)
            PdfJob.objects.filter(pk=job_id, state=PdfJobState.RUNNING, done_count__lt=shown).update(
                done_count=shown, progress=min(99, shown * 100 // total))


@contextmanager
def export_file(job):
    """Write job `job`'s export to a temporary file; yields (storage name, File). Sets the job's total."""
    language = job.parameters.get("language") or settings.LANGUAGE_CODE
    with translation.override(language), tempfile.TemporaryFile() as spool:
        table = rebuild_table(job)
        PdfJob.objects.filter(pk=job.pk).update(total_count=table.total)
        job.total_count = table.total
        rows = _counted(table.rows, job.pk, table.total)
        if job.file_format == JobFormat.CSV:
            text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
            exporting.write_csv(table.headers, rows, text)
            text.flush()
            text.detach()
        else:
            exporting.write_xlsx(table.headers, rows, spool, sheet_title=table.stem)
        spool.seek(0)
        yield f"{EXPORT_KIND}-{job.pk}.{job.file_format}", File(spool)
