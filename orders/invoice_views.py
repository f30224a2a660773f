"""Invoice pages: record a VAT invoice or issue a commercial one for a received order, the invoice list
(finance), the invoice file (the uploaded e-invoice, or the commercial invoice's stored PDF; a GET never
renders or writes: before its PDF is stored a commercial invoice shows an HTML preview), and the POST that
queues a commercial invoice's PDF (rendered by the worker; the job page shows it).
Thin: orders.invoices validates and writes."""

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from core.access import requires_permissions
from core.filters import ConsignFilterSet
from core.forms import BootstrapFormMixin, MoneyField, add_service_errors
from core.pdf import render_html
from core.tables import ConsignTable, MoneyColumn, RowLinkColumn, row_urls
from core.views import ConsignListView

from . import invoices
from .models import VAT_INVOICE_KINDS, FulfilmentStatus, Invoice, InvoiceKind, Order


class InvoiceForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Invoice type"), choices=InvoiceKind.choices,
                             widget=forms.RadioSelect)
    issued_on = forms.DateField(label=gettext_lazy("Invoice date"), initial=timezone.localdate,
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    number = forms.CharField(label=gettext_lazy("Invoice no."), max_length=40, required=False,
                             help_text=gettext_lazy("VAT invoices: the number printed by the tax system. "
                                                    "Commercial invoices are numbered by Consign."))
    amount = MoneyField(label=gettext_lazy("Amount"), max_digits=12, decimal_places=2, min_value=0,
                                required=False,
                                help_text=gettext_lazy("VAT invoices: the invoiced amount. Commercial "
                                                       "invoices take the order total."))
    file = forms.FileField(label=gettext_lazy("E-invoice file"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.ofd,.xml"}),
                           help_text=gettext_lazy("VAT invoices: the PDF, OFD or XML file, at most 10 MB."))

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        return invoices.validate_invoice_file(upload) if upload else upload

    def clean(self):
        data = super().clean()
        if data.get("kind") in VAT_INVOICE_KINDS:
            for name, message in (("number", _("The invoice no. is required.")),
                                  ("amount", _("The amount is required.")),
                                  ("file", _("Upload the e-invoice file (PDF, OFD or XML)."))):
                if data.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, message)
        return data


class InvoiceCreateView(PermissionRequiredMixin, TemplateView):
    """Invoice a received order: record a VAT invoice (number, date, amount, e-invoice file) or issue a
    commercial invoice (numbered by Consign, rendered to PDF)."""

    permission_required = "orders.record_invoice"
    template_name = "orders/invoice_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.order = get_object_or_404(Order.objects.select_related("store"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", InvoiceForm(initial={"amount": invoices.order_total(self.order),
                                                       "kind": InvoiceKind.GENERAL_VAT}))
        return super().get_context_data(
            order=self.order, order_total=invoices.order_total(self.order),
            invoiceable=self.order.fulfilment_status == FulfilmentStatus.RECEIVED, **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = InvoiceForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["kind"] == InvoiceKind.COMMERCIAL:
                    invoice = invoices.issue_commercial_invoice(order=self.order, actor=request.user,
                                                                issued_on=data["issued_on"])
                else:
                    invoice = invoices.record_vat_invoice(
                        order=self.order, kind=data["kind"], number=data["number"], issued_on=data["issued_on"],
                        amount=data["amount"], file=data["file"], actor=request.user,
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Invoice %(invoice)s recorded; order %(no)s is invoiced.")
                                 % {"invoice": invoice, "no": self.order.external_order_no})
                job = invoices.invoice_pdf_job(invoice, user=request.user) if invoice.is_commercial else None
                if job is not None:  # queued with the invoice: its page shows the PDF once rendered
                    return redirect("core:job_detail", pk=job.pk)
                return redirect(self.order)
        return self.render_to_response(self.get_context_data(form=form), status=400)


@requires_permissions("orders.view_invoice")
def invoice_file(request, pk):
    """The invoice's stored file: the uploaded e-invoice, or the commercial invoice's PDF once its job
    stored it. Before that, a commercial invoice shows an HTML preview and the button that queues its
    PDF. A GET: reads only."""
    invoice = get_object_or_404(Invoice.objects.select_related("order__store"), pk=pk)
    if invoice.file:
        name = f"{invoice.number}.pdf" if invoice.is_commercial else invoice.file.name.rsplit("/", 1)[-1]
        return FileResponse(invoice.file.open("rb"), as_attachment=True, filename=name,
                            content_type="application/pdf" if name.lower().endswith(".pdf") else None)
    if not invoice.is_commercial:
        raise Http404("This invoice has no file")
    preview = render_html(invoices.PDF_TEMPLATE, invoices.commercial_invoice_context(invoice))
    return render(request, "orders/invoice_preview.html", {
        "invoice": invoice, "preview": preview, "job": invoices.invoice_pdf_job(invoice, user=request.user)})


class InvoicePdfView(PermissionRequiredMixin, View):
    """POST: queue the commercial invoice's PDF (the worker renders it); on to the job page."""

    permission_required = "orders.view_invoice"
    http_method_names = ["post"]

    def post(self, request, pk):
        invoice = get_object_or_404(Invoice, pk=pk)
        try:
            job = invoices.request_invoice_pdf(invoice, actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
            return redirect(invoice.order)
        return redirect("core:job_detail", pk=job.pk)


class InvoiceTable(ConsignTable):
    number = tables.Column(verbose_name=gettext_lazy("Invoice no."))
    kind = tables.Column(verbose_name=gettext_lazy("Type"))
    issued_on = tables.DateColumn(verbose_name=gettext_lazy("Invoice date"), format="Y-m-d")
    order = RowLinkColumn("orders:order_detail", pk_from="order_id", verbose_name=gettext_lazy("Order no."),
                          accessor="order__external_order_no")
    store = tables.Column(verbose_name=gettext_lazy("Store"), accessor="order__store__name")
    amount = MoneyColumn(verbose_name=gettext_lazy("Amount"))
    file = tables.Column(verbose_name=gettext_lazy("File"), accessor="pk", orderable=False, exclude_from_export=True)

    class Meta(ConsignTable.Meta):
        model = Invoice
        fields = ("number", "kind", "issued_on", "order", "store", "amount", "file")
        order_by = ("-issued_on",)
        attrs = {**ConsignTable.Meta.attrs, "id": "invoice-table"}

    def render_file(self, record):
        """The download link; the URL pattern is reversed once per table, not per row."""
        return format_html('<a href="{}">{}</a>', row_urls(self, "orders:invoice_file")(record.pk), _("Download"))


class InvoiceFilter(ConsignFilterSet):
    search_fields = ("number", "order__external_order_no")
    kind = django_filters.ChoiceFilter(label=gettext_lazy("Type"), choices=InvoiceKind.choices)
    issued_from = django_filters.DateFilter(label=gettext_lazy("Invoice date from"), field_name="issued_on",
                                            lookup_expr="gte", widget=forms.DateInput(attrs={"type": "date"}))
    issued_to = django_filters.DateFilter(label=gettext_lazy("Invoice date to"), field_name="issued_on",
                                          lookup_expr="lte", widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Invoice
        fields = ["q", "kind", "issued_from", "issued_to"]


class InvoiceListView(ConsignListView):
    permission_required = "orders.view_invoice"
    model = Invoice
    queryset = Invoice.objects.select_related("order__store")
    table_class = InvoiceTable
    filterset_class = InvoiceFilter
    title = gettext_lazy("Invoices")
