"""ConsignListView: the one list page (filter form + sortable, paginated table + CSV/XLSX export).

    class ProductListView(ConsignListView):
        permission_required = "catalog.view_product"
        model = Product
        queryset = Product.objects.select_related("default_supplier")
        table_class = ProductTable
        filterset_class = ProductFilter
        title = _("Products")
        create_url_name = "catalog:product_create"   # "New" button, shown with catalog.add_product

`?_export=csv` or `?_export=xlsx` on the same URL returns every filtered, sorted row (not one page),
through core.exporting: up to EXPORT_SYNC_MAX_ROWS in the request; more become a background job
(core/export_jobs.py) whose task rebuilds this same view for the requester and writes the file; more than
EXPORT_MAX_ROWS are refused. The page uses LazyPaginator: no COUNT(*) on big tables."""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.paginators import LazyPaginator

from . import export_jobs, exporting
from .parsing import parse_id

EXPORT_PARAM = "_export"
PER_PAGE_PARAM = "per_page"
MAX_PAGE = 1_000_000  # deeper than any list is paged by hand; narrow the filters instead


def stable_order(queryset):
    """Append the primary key to the ordering so pages never overlap (sorting by a non-unique column)."""
    ordering = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    names = {o.lstrip("-") for o in ordering if isinstance(o, str)}
    if names & {"pk", queryset.model._meta.pk.name}:
        return queryset
    return queryset.order_by(*ordering, "pk")


class ConsignListView(PermissionRequiredMixin, SingleTableMixin, FilterView):
    template_name = "core/list_page.html"
    paginator_class = LazyPaginator
    title = None
    create_url_name = None
    create_permission = None  # default: <app>.add_<model>
    export_formats = exporting.FORMATS
    export_filename = None  # default: the model's plural name
    export_job = None  # the PdfJob (kind "export") when core.export_jobs rebuilds this list in its task

    # ---- page --------------------------------------------------------------------------------------
    def get_table(self, **kwargs):
        table = self.get_table_class()(data=self.get_table_data(), **kwargs)
        self.configure_table(table)
        per_page = self.get_per_page(table)
        page = parse_id(self.request.GET.get(table.prefixed_page_field, 1))
        if page is None or page > MAX_PAGE:  # "²", "1e3", 10**23: the first page, never a crash
            page = 1
        try:
            table.paginate(paginator_class=self.paginator_class, page=page, per_page=per_page)
        except (PageNotAnInteger, EmptyPage):
            table.paginate(paginator_class=self.paginator_class, page=1, per_page=per_page)
        return table

    def configure_table(self, table):
        """Sorting from the request (only the table's orderable columns) and a stable order."""
        table.request = self.request
        order_by = self.request.GET.getlist(table.prefixed_order_by_field)
        if order_by:
            table.order_by = order_by  # unknown or unsortable columns are dropped by django-tables2
        if hasattr(table.data, "data") and hasattr(table.data.data, "query"):
            table.data.data = stable_order(table.data.data)
        table.can_edit = self.request.user.has_perm(self.get_change_permission())
        return table

    def get_per_page(self, table):
        try:
            wanted = int(self.request.GET.get(PER_PAGE_PARAM, ""))
        except ValueError:
            return table.default_per_page
        return wanted if wanted in table.per_page_options else table.default_per_page

    def get_model(self):
        model = getattr(self, "model", None) or getattr(self.get_filterset_class()._meta, "model", None)
        if model is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a model")
        return model

    def get_change_permission(self):
        opts = self.get_model()._meta
        return f"{opts.app_label}.change_{opts.model_name}"

    def get_create_permission(self):
        if self.create_permission:
            return self.create_permission
        opts = self.get_model()._meta
        return f"{opts.app_label}.add_{opts.model_name}"

    def get_title(self):
        return self.title or self.get_model()._meta.verbose_name_plural.capitalize()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table = context["table"]
        query = self.request.GET.copy()
        for name in (table.prefixed_page_field, EXPORT_PARAM):
            query.pop(name, None)
        exports = []
        for fmt in self.export_formats:
            export_query = query.copy()
            export_query[EXPORT_PARAM] = fmt
            exports.append((fmt.upper(), f"?{export_query.urlencode()}"))
        per_page_links = []
        for size in table.per_page_options:
            size_query = query.copy()
            size_query[PER_PAGE_PARAM] = size
            per_page_links.append((size, f"?{size_query.urlencode()}"))
        create_url = None
        if self.create_url_name and self.request.user.has_perm(self.get_create_permission()):
            create_url = reverse(self.create_url_name)
        context.update(
            title=self.get_title(),
            create_url=create_url,
            export_links=exports,
            per_page=table.paginator.per_page if table.paginator else table.default_per_page,
            per_page_links=per_page_links,
            filters_active=self.filterset.active_count if hasattr(self.filterset, "active_count") else 0,
        )
        return context

    # ---- export ------------------------------------------------------------------------------------
    def get(self, request, *args, **kwargs):
        fmt = request.GET.get(EXPORT_PARAM)
        if not fmt:
            return super().get(request, *args, **kwargs)
        if fmt not in self.export_formats:
            return HttpResponseBadRequest(_("Unknown export format."))
        self.filterset = self.get_filterset(self.get_filterset_class())
        if self.filterset.is_bound and not self.filterset.is_valid() and self.get_strict():
            return self.redirect_without_export(_("Correct the filters before exporting."))
        self.object_list = self.filterset.qs
        return self.export(fmt)

    def export(self, fmt):
        """The filtered, sorted rows as a file: in the response when few, else a background job (a
        redirect to its page). In the job's task (`export_job` set) the rows themselves, for the task."""
        table = self.get_table_class()(data=self.object_list, **self.get_table_kwargs())
        self.configure_table(table)
        data = table.data.data
        total = data.count() if hasattr(data, "query") else len(data)
        limit = exporting.max_rows()
        if total > limit:
            return self.redirect_without_export(
                _("That export has more than %(limit)s rows; narrow the filters.") % {"limit": limit}
            )
        filename = self.export_filename or str(self.get_model()._meta.verbose_name_plural)
        if self.export_job is None and total > exporting.sync_max_rows():
            return self.export_in_background(fmt, filename)
        # A queryset is read in chunks, never cached whole (prefetch_related works with chunk_size).
        records = data.iterator(chunk_size=2000) if hasattr(data, "query") else iter(data)
        if self.export_job is not None:
            return export_jobs.ExportTable(table.export_headers(), table.export_rows(records), total, filename)
        return exporting.export_rows(table.export_headers(), table.export_rows(records), fmt,
                                     filename=filename)

    def export_in_background(self, fmt, filename):
        """Queue the export as a job (a row now, its task published once this request commits) and send the
        requester to the job's page."""
        query = self.request.GET.copy()
        for name in (EXPORT_PARAM, "page"):
            query.pop(name, None)
        match = self.request.resolver_match
        job = export_jobs.request_export_job(
            actor=self.request.user, fmt=fmt, url_name=match.view_name, url_kwargs=match.kwargs,
            query=query.urlencode(), title=str(self.get_title()), filename=filename,
            language=getattr(self.request, "LANGUAGE_CODE", None),
        )
        return HttpResponseRedirect(reverse("core:job_detail", args=[job.pk]))

    def redirect_without_export(self, message):
        if self.export_job is not None:  # in the export task: the job fails with this message
            raise export_jobs.ExportRefused(message)
        messages.error(self.request, message)
        query = self.request.GET.copy()
        query.pop(EXPORT_PARAM, None)
        return HttpResponseRedirect(f"{self.request.path}?{query.urlencode()}")


class ConsignFormMixin(PermissionRequiredMixin, SuccessMessageMixin):
    """Create/edit pages: the shared form template, a success message, back to the list afterwards."""

    template_name = "core/form_page.html"
    list_url_name = None
    title = None

    def get_success_url(self):
        if self.list_url_name:
            return reverse(self.list_url_name)
        return super().get_success_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.get_title(),
            list_url=reverse(self.list_url_name) if self.list_url_name else None,
        )
        return context


class ConsignCreateView(ConsignFormMixin, CreateView):
    success_message = gettext_lazy("%(object)s was created.")

    def get_title(self):
        return self.title or _("New %(model)s") % {"model": self.model._meta.verbose_name}

    def get_success_message(self, cleaned_data):
        return self.success_message % {"object": self.object}


class ConsignUpdateView(ConsignFormMixin, UpdateView):
    success_message = gettext_lazy("%(object)s was saved.")

    def get_title(self):
        return self.title or _("Edit %(model)s: %(object)s") % {
            "model": self.model._meta.verbose_name, "object": self.object,
        }

    def get_success_message(self, cleaned_data):
        return self.success_message % {"object": self.object}
