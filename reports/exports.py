"""Export of any dashboard table (DESIGN.md, Reports: "export of any table (CSV/XLSX, as a background job when
large)"), through the one export helper (core/exporting.py) and the one job mechanism (core/export_jobs.py).

A dashboard names its tables (`get_export_tables(filters)`: by default one per chart, its figures as the
page's table shows them, the label first); `?_export=csv&table=<name>` on the dashboard's own URL, with
its filters, answers that table as a file: in the request up to EXPORT_SYNC_MAX_ROWS rows, else as a job
(a row now, the task published on commit) whose task rebuilds the same dashboard for the requester
(access checked again, same filters, the requester's language) and writes the file; the job page shows
progress and the download, as for list exports. More than EXPORT_MAX_ROWS rows are refused."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import export_jobs, exporting
from core.views import EXPORT_PARAM

TABLE_PARAM = "table"


@dataclass
class ReportTable:
    """One exportable table of a dashboard: header labels and rows of plain values (numbers stay numbers).
    `rows` is a sequence, or an iterable with its `count` given (a queryset read in chunks)."""

    name: str
    title: str
    headers: list
    rows: object = field(default_factory=list)
    count: int | None = None

    def total(self):
        return self.count if self.count is not None else len(self.rows)


def chart_table(chart):
    """A chart's figures as a ReportTable: its label column then its figure columns (raw values when the
    chart keeps them, `row.values`, else the cells)."""
    headers = [chart.label_header, *chart.headers]
    rows = [[row.label, *(getattr(row, "values", None) or row.cells)] for row in chart.rows]
    return ReportTable(name=chart.id, title=str(chart.title), headers=headers, rows=rows)


class DashboardExportMixin:
    """For DashboardView: `?_export=<csv|xlsx>&table=<name>` answers one of its tables as a file."""

    export_job = None  # the PdfJob (kind "export") while core.export_jobs rebuilds this page in its task

    def get_export_tables(self, filters):
        """{name: ReportTable} of the page. Default: one per chart; a dashboard may add longer lists."""
        return {chart.id: chart_table(chart) for chart in self.get_charts(filters)}

    def export_tables(self):
        """The tables of this request: a dashboard's for the filters of its form (a page without the shared
        filter form, e.g. a saved view, overrides this)."""
        return self.get_export_tables(self.get_form().filters())

    def export_title(self, table):
        return f"{self.title} · {table.title}"

    def add_export_links(self, charts):
        """Give each chart card its `export_links` [(label, url)]: this page's filters with the export's."""
        query = self.request.GET.copy()
        query.pop(EXPORT_PARAM, None)
        for chart in charts:
            chart.export_links = []
            for fmt in exporting.FORMATS:
                query[EXPORT_PARAM], query[TABLE_PARAM] = fmt, chart.id
                chart.export_links.append((fmt.upper(), f"?{query.urlencode()}"))
        return charts

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get(EXPORT_PARAM)
        if not fmt:
            return super().get(request, *args, **kwargs)
        if fmt not in exporting.FORMATS:
            return HttpResponseBadRequest(_("Unknown export format."))
        table = self.export_tables().get(request.GET.get(TABLE_PARAM, ""))
        if table is None:
            if self.export_job is not None:
                raise export_jobs.ExportRefused(_("This table no longer exists."))
            raise Http404("No such table on this dashboard")
        return self.export_table(table, fmt)

    def export_filename(self, table):
        return slugify(f"{self.request.resolver_match.url_name}-{table.name}") or "report"

    def export_table(self, table, fmt):
        total = table.total()
        limit = exporting.max_rows()
        if total > limit:
            message = _("That export has more than %(limit)s rows; narrow the filters.") % {"limit": limit}
            if self.export_job is not None:
                raise export_jobs.ExportRefused(message)
            messages.error(self.request, message)
            query = self.request.GET.copy()
            for name in (EXPORT_PARAM, TABLE_PARAM):
                query.pop(name, None)
            return HttpResponseRedirect(f"{self.request.path}?{query.urlencode()}")
        filename = self.export_filename(table)
        if self.export_job is not None:
            return export_jobs.ExportTable(table.headers, iter(table.rows), total, filename)
        if total > exporting.sync_max_rows():
            query = self.request.GET.copy()
            query.pop(EXPORT_PARAM, None)
            match = self.request.resolver_match
            job = export_jobs.request_export_job(
                actor=self.request.user, fmt=fmt, url_name=match.view_name, url_kwargs=match.kwargs,
                query=query.urlencode(), title=self.export_title(table), filename=filename,
                language=getattr(self.request, "LANGUAGE_CODE", None))
            return HttpResponseRedirect(reverse("core:job_detail", args=[job.pk]))
        return exporting.export_rows(table.headers, iter(table.rows), fmt, filename=filename)
