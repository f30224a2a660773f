"""The warehouse queue (approved and picking company dispatches) and dispatch-note printing: tick many
(or take every shipment the filters match) → one PDF rendered by the worker (core:job_detail shows
progress and the download); one note on demand from a queue row or the shipment page. Thin:
shipments.dispatch_notes moves shipments to picking and renders."""

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from catalog.models import Store, Warehouse
from core.filters import ConsignFilterSet
from core.parsing import parse_id
from core.tables import ConsignTable, NumberColumn, row_urls
from core.views import ConsignListView

from . import dispatch_notes
from .dispatch_notes import LAYOUTS, MAX_BATCH, PRINT_PERMISSION, PRINTABLE_STATES
from .models import Shipment, ShipmentKind, ShipmentState
from .tables import ShipmentQueueTable, tick_column

PRINT_FORM_ID = "queue-print-form"


class QueueFilter(ConsignFilterSet):
    search_fields = ("order__external_order_no", "order__recipient_name")
    warehouse = django_filters.ModelChoiceFilter(label=gettext_lazy("Warehouse"),
                                                 queryset=Warehouse.objects.order_by("name"))
    state = django_filters.ChoiceFilter(label=gettext_lazy("State"),
                                        choices=[(s, ShipmentState(s).label) for s in PRINTABLE_STATES])
    store = django_filters.ModelChoiceFilter(label=gettext_lazy("Store"), field_name="order__store",
                                             queryset=Store.objects.order_by("name"))
    approved_from = django_filters.DateFilter(label=gettext_lazy("Approved from"), field_name="approved_at",
                                              lookup_expr="date__gte", widget=forms.DateInput(attrs={"type": "date"}))
    approved_to = django_filters.DateFilter(label=gettext_lazy("Approved to"), field_name="approved_at",
                                            lookup_expr="date__lte", widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Shipment
        fields = ["q", "warehouse", "state", "store", "approved_from", "approved_to"]

    def filter_search(self, queryset, name, value):
        """A shipment number (SH0000123) finds that shipment; anything else searches order no. and
        recipient."""
        pk = Shipment.pk_from_number(value) if value.strip().upper().startswith(Shipment.number_prefix) else None
        if pk is not None:
            return queryset.filter(pk=pk)
        return super().filter_search(queryset, name, value)


class PrintNoteColumn(tables.Column):
    """A queue row's "Print" form (the compact shipments/queue_print_button.html, which the shipment page
    still includes), built in Python: the permission, CSRF token, return address, labels and URL pattern
    are worked out once per table, not by rendering a template with the whole request context per row."""

    def __init__(self, **kwargs):
        super().__init__(accessor="pk", orderable=False, exclude_from_export=True, empty_values=(), **kwargs)

    def render(self, record, table):
        parts = table.__dict__.get("_consign_print_parts")
        if parts is None:
            request = table.request
            parts = table._consign_print_parts = {
                "may_print": request.user.has_perm(PRINT_PERMISSION), "csrf": get_token(request),
                "next": request.get_full_path(), "url": row_urls(table, "shipments:dispatch_note"),
                "labels": (_("Layout"), _("A4"), _("Label 100×150"), _("Print")),
                "confirm": _("Print the dispatch note? The shipment moves to picking."),
            }
        if not (parts["may_print"] and record.kind == ShipmentKind.COMPANY_DISPATCH
                and record.state in PRINTABLE_STATES):
            return ""
        layout, a4, label, print_ = parts["labels"]
        return format_html(
            '<form method="post" action="{}" class="d-inline-flex flex-wrap gap-1 align-items-center '
            'dispatch-note-form"><input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="hidden" name="next" value="{}">'
            '<select name="layout" class="form-select form-select-sm w-auto" aria-label="{}">'
            '<option value="a4">{}</option><option value="label">{}</option></select>'
            '<button type="submit" class="btn btn-outline-primary btn-sm text-nowrap" id="print-dispatch-note-{}"{}>{}'
            '</button></form>',
            parts["url"](record.pk), parts["csrf"], parts["next"], layout, a4, label, record.pk,
            # printing an approved shipment starts picking: asked first (a picking one is just printed again)
            format_html(' data-confirm="{}"', parts["confirm"]) if record.state == ShipmentState.APPROVED else "",
            print_)


class QueueTable(ShipmentQueueTable):
    pick = tick_column(PRINT_FORM_ID, "queue-pick")
    order = tables.Column(verbose_name=gettext_lazy("Order no."), accessor="order__external_order_no")
    store = tables.Column(verbose_name=gettext_lazy("Store"), accessor="order__store__name")
    warehouse = tables.Column(verbose_name=gettext_lazy("Warehouse"), accessor="warehouse__name")
    recipient = tables.Column(verbose_name=gettext_lazy("Recipient"), accessor="order__recipient_name",
                              orderable=False)
    line_count = NumberColumn(verbose_name=gettext_lazy("Lines"), orderable=False)
    units = NumberColumn(verbose_name=gettext_lazy("Units"), orderable=False)
    state = tables.Column(verbose_name=gettext_lazy("State"))
    approved_at = tables.DateTimeColumn(verbose_name=gettext_lazy("Approved at"), format="Y-m-d H:i")
    print_note = PrintNoteColumn(verbose_name=gettext_lazy("Dispatch note"))

    class Meta(ConsignTable.Meta):
        model = Shipment
        fields = ("pick", "number", "order", "store", "warehouse", "recipient", "line_count", "units", "state",
                  "approved_at", "print_note")
        order_by = ("approved_at",)
        attrs = {**ConsignTable.Meta.attrs, "id": "queue-table"}
        row_attrs = {"data-shipment": lambda record: record.number}


class WarehouseQueueView(ConsignListView):
    """Approved and picking company dispatches, oldest approval first, with filters; tick many (or take
    all that match) and print their dispatch notes as one PDF."""

    permission_required = PRINT_PERMISSION
    model = Shipment
    template_name = "shipments/queue.html"
    table_class = QueueTable
    filterset_class = QueueFilter
    title = gettext_lazy("Warehouse queue")
    export_filename = "warehouse-queue"

    def get_queryset(self):
        return dispatch_notes.warehouse_queue()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            layouts=[(key, label) for key, (_template, label) in LAYOUTS.items()],
            print_form_id=PRINT_FORM_ID, max_batch=MAX_BATCH, filter_query=self.request.GET.urlencode(),
            **kwargs,
        )


class QueuePrintView(PermissionRequiredMixin, View):
    """POST: the ticked shipments (`shipment`), or with `all_matching` every shipment the queue's
    filters (`filters`, a query string) match, up to MAX_BATCH → a PDF job; on to its page."""

    permission_required = PRINT_PERMISSION
    http_method_names = ["post"]

    def post(self, request):
        layout = request.POST.get("layout")
        if request.POST.get("all_matching"):
            filterset = QueueFilter(QueryDict(request.POST.get("filters", "")), queryset=dispatch_notes.warehouse_queue(),
                                    request=request)
            ids = list(filterset.qs.values_list("pk", flat=True)[:MAX_BATCH + 1])
        else:
            ids = [parse_id(pk) for pk in request.POST.getlist("shipment") if parse_id(pk)]
        back = redirect(f"{_queue_url()}?{request.POST.get('filters', '')}")
        if len(ids) > MAX_BATCH:
            messages.error(request, _("More than %(n)d shipments match; narrow the filters.") % {"n": MAX_BATCH})
            return back
        try:
            job, skipped = dispatch_notes.print_dispatch_notes(shipment_ids=ids, layout=layout, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return back
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return back
        if skipped:
            messages.warning(request, _("Not printed: %(list)s") % {
                "list": "; ".join(f"{number} ({why})" for number, why in skipped)})
        messages.success(request, _("%(n)d dispatch notes are being prepared; the PDF appears here when it is "
                                    "ready.") % {"n": len(job.parameters["shipment_ids"])})
        return redirect("core:job_detail", pk=job.pk)


def _queue_url():
    return reverse("shipments:queue")


class DispatchNoteView(PermissionRequiredMixin, View):
    """POST: one dispatch note (an approved shipment moves to picking) → a PDF job rendered by the
    worker, like a print run; on to the job page, which shows the note when it is ready."""

    permission_required = PRINT_PERMISSION
    http_method_names = ["post"]

    def post(self, request, pk):
        shipment = get_object_or_404(Shipment, pk=pk)
        try:
            job = dispatch_notes.print_dispatch_note(shipment, layout=request.POST.get("layout"), actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
            return redirect(request.POST.get("next") if _safe_next(request) else shipment.get_absolute_url())
        messages.success(request, _("The dispatch note of %(no)s is being prepared; it appears here when it is "
                                    "ready.") % {"no": shipment.number})
        return redirect("core:job_detail", pk=job.pk)


def _safe_next(request):
    target = request.POST.get("next") or ""
    return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                            require_https=request.is_secure())
