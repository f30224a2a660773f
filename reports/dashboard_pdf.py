"""A printable PDF of a dashboard (issue 13, item 5): its tables — every chart card's figures, as the page
shows them — under the dashboard's title and filters, rendered by the one PDF job mechanism (core/pdf.py:
a job row written in the request, the task published on commit, the job page with progress and download).

POST `reports:dashboard_pdf` with `dashboard` (the dashboard's URL name) and `query` (its filters, as on
the page) queues the job. The task rebuilds the dashboard through its own view for the requester, as a
request would: access is checked again, the same filters give the same figures."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, QueryDict
from django.shortcuts import redirect
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views import View

from core.access import Access, user_may_open
from core.pdf import register_document, request_pdf_job

DOCUMENT_KIND = "dashboard"
MAX_QUERY = 2000  # characters of filters kept on the job (a dashboard's filters are a few short fields)


def dashboard_names():
    from .views import DASHBOARDS

    return {url_name for url_name, _title, _permission in DASHBOARDS}


def _resolve(url_name):
    """(path, resolver match) of a dashboard's URL name, or None when it is not a dashboard (any more)."""
    if url_name not in dashboard_names():
        return None
    try:
        path = reverse(url_name)
        return path, resolve(path)
    except (NoReverseMatch, Resolver404):
        return None


def _request(user, path, query, match):
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.GET = QueryDict(query)
    request.META = {"REQUEST_METHOD": "GET", "QUERY_STRING": query, "SERVER_NAME": "localhost", "SERVER_PORT": "80"}
    request.user = user
    request.LANGUAGE_CODE = translation.get_language()
    request.resolver_match = match
    return request


def dashboard_context(user, url_name, query):
    """The title, filters and chart cards of dashboard `url_name` as `user` sees it with `query`."""
    found = _resolve(url_name)
    if found is None:
        raise LookupError(f"{url_name!r} is not a dashboard")
    path, match = found
    if not user.is_active or not user_may_open(user, match.func):
        raise PermissionDenied(_("You may no longer open this dashboard."))
    view = match.func.view_class(**getattr(match.func, "view_initkwargs", {}))
    view.setup(_request(user, path, query, match))
    form = view.get_form()
    filters = form.filters()
    return {"title": view.title, "filters": filters, "charts": view.get_charts(filters), "requested_by": user,
            "printed_at": timezone.now()}


def build_dashboard_pdf(job):
    """core.pdf builder: job.parameters {"dashboard": URL name, "query": its filters} → one document."""
    parameters = job.parameters or {}
    yield "reports/pdf/dashboard.html", [dashboard_context(job.created_by, parameters.get("dashboard"),
                                                           parameters.get("query", ""))]


def register():
    register_document(DOCUMENT_KIND, build_dashboard_pdf, label=_("Dashboard"))


class DashboardPdfView(View):
    """POST: queue the PDF of a dashboard the user may open (403 otherwise); then the job's page."""

    access = Access.INTERNAL
    http_method_names = ["post"]

    def post(self, request):
        url_name = request.POST.get("dashboard", "")
        found = _resolve(url_name)
        if found is None or not user_may_open(request.user, found[1].func):
            raise PermissionDenied
        query = QueryDict(request.POST.get("query", "")[:MAX_QUERY], mutable=True)
        for name in ("_export", "table"):
            query.pop(name, None)
        job = request_pdf_job(kind=DOCUMENT_KIND, actor=request.user,
                              parameters={"dashboard": url_name, "query": query.urlencode(),
                                          "language": getattr(request, "LANGUAGE_CODE", "")})
        return redirect("core:job_detail", job.pk)
