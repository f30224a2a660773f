"""Order pages. Thin: forms shape the input, orders.services writes, orders.selectors reads."""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from django_fsm import can_proceed, has_transition_perm

from catalog.models import Store
from core.access import requires_permissions
from core.exporting import FORMATS, export_rows
from core.forms import add_service_errors, searchable
from core.imports_views import ImportPreviewView, ImportUploadForm, ImportUploadView
from core.views import ConsignListView

from . import selectors, services
from .filters import OrderFilter
from .forms import CancelOrderForm, CloseShortForm, OrderForm, OrderLineFormSet
from .importing import PLATFORM_LABELS, OrderImporter, template_headers
from .models import FulfilmentStatus, Order
from .tables import OrderTable


class OrderListView(ConsignListView):
    """Orders with filters (store, status, dates, awaiting shipment for more than N hours), sort and
    export (?_export=csv|xlsx: every filtered row in the chosen order, phone and address included)."""

    permission_required = "orders.view_order"
    model = Order
    template_name = "orders/order_list.html"
    table_class = OrderTable
    filterset_class = OrderFilter
    title = gettext_lazy("Orders")
    create_url_name = "orders:order_create"

    def get_queryset(self):
        return selectors.order_list()


class OrderCreateView(PermissionRequiredMixin, TemplateView):
    """Type an order in: header plus a line formset; a known (store, order no.) opens the existing order."""

    permission_required = "orders.add_order"
    template_name = "orders/order_form.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", OrderForm(initial={"store": self.request.GET.get("store")}))
        kwargs.setdefault("formset", OrderLineFormSet(prefix="lines"))
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = OrderForm(request.POST)
        formset = OrderLineFormSet(request.POST, prefix="lines")
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            try:
                order, created = services.create_order(
                    store=data["store"], external_order_no=data["external_order_no"],
                    recipient_name=data["recipient_name"], recipient_phone=data["recipient_phone"],
                    recipient_address=data["recipient_address"], ordered_at=data["ordered_at"],
                    lines=formset.lines(), actor=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if created:
                    messages.success(request, _("Order %(no)s saved.") % {"no": order.external_order_no})
                else:
                    messages.warning(request, _("Order %(no)s of %(store)s already exists; nothing was "
                                                "changed.") % {"no": order.external_order_no,
                                                              "store": order.store})
                return redirect(order)
        return self.render_to_response(self.get_context_data(form=form, formset=formset), status=400)


class OrderDetailView(PermissionRequiredMixin, TemplateView):
    """An order with its lines and open quantities, its statuses and its timeline."""

    permission_required = "orders.view_order"
    template_name = "orders/order_detail.html"

    def get_context_data(self, **kwargs):
        try:
            order = selectors.order_detail(self.kwargs["pk"])
        except Order.DoesNotExist:
            raise Http404 from None
        user = self.request.user
        # A page may read a higher layer's selectors (DESIGN.md): the order's shipments.
        from shipments.selectors import shipments_of_order

        return super().get_context_data(
            order=order,
            lines=selectors.lines_with_open_quantity(order),
            shipments=shipments_of_order(order) if user.has_perm("shipments.view_shipment") else [],
            may_cancel=can_proceed(order.cancel) and has_transition_perm(order.cancel, user),
            cancel_withheld=services.cancel_refusal(order) if user.has_perm("orders.cancel_order") else "",
            cancel_form=kwargs.pop("cancel_form", None) or CancelOrderForm(),
            **self.close_short_context(order, user),
            **kwargs,
        )


    @staticmethod
    def close_short_context(order, user):
        """Close short (the form posts to shipments' view): offered while the order is partly shipped to
        whoever may do it; to them, an order awaiting shipment says why not (cancel it instead)."""
        may = user.has_perm("orders.close_order_short")
        refusal = services.close_short_refusal(order)
        return {
            "may_close_short": may and not refusal,
            "close_short_withheld": refusal if may and order.fulfilment_status == FulfilmentStatus.AWAITING_SHIPMENT
            else "",
            "close_short_form": CloseShortForm(auto_id="close_short_%s"),
        }


# ---- import ---------------------------------------------------------------------------------------

class OrderImportForm(ImportUploadForm):
    """The generic upload form plus the store the orders come from (picked before the file is read)."""

    store = forms.ModelChoiceField(label=gettext_lazy("Store"), queryset=Store.objects.none())
    field_order = ["store", "file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = Store.objects.filter(is_active=True).order_by("name")
        searchable(self.fields["store"].widget)

    def clean_file(self):
        store = self.cleaned_data.get("store")
        if store is None:
            return self.cleaned_data.get("file")  # the store's own error says what is missing
        self.importer.store = store
        return super().clean_file()


class OrderImportView(ImportUploadView):
    """Upload a store's order export (generic template, Tmall, JD or Shopify headers) → preview."""

    importer_class = OrderImporter
    url_name = "orders:order_import"
    permission_required = OrderImporter.permission
    form_class = OrderImportForm
    template_name = "orders/order_import.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(platforms=PLATFORM_LABELS, **kwargs)


class OrderImportPreviewView(ImportPreviewView):
    importer_class = OrderImporter
    url_name = "orders:order_import"
    permission_required = OrderImporter.permission


@requires_permissions("orders.add_order")
def order_import_template(request):
    """The template file to fill in: the canonical headers (or a platform's) and one example row."""
    platform = request.GET.get("platform", "generic")
    fmt = request.GET.get("format", "xlsx")
    if platform not in PLATFORM_LABELS or fmt not in FORMATS:
        raise Http404
    example = ["TM20261120001", "2026-11-20 10:30", "张三", "13800138000", "上海市浦东新区世纪大道 100 号",
               "SKU-00001", 2, Decimal("25.00")]
    return export_rows(template_headers(platform), [example], fmt, filename=f"orders-{platform}")
