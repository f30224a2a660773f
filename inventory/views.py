"""Stock pages. Thin: forms shape the input, inventory.documents / services write, selectors read."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from django_fsm import ConcurrentTransition, TransitionNotAllowed, can_proceed, has_transition_perm

from catalog.models import Product, Warehouse
from core.forms import add_service_errors, searchable
from core.imports_views import ImportPreviewView, ImportUploadForm, ImportUploadView
from core.transitions import timeline_for
from core.views import ConsignListView

from . import documents, selectors
from .filters import (
    BalanceFilter,
    GoodsReceiptFilter,
    LedgerFilter,
    MovementFilter,
    StocktakeFilter,
    TransferFilter,
)
from .forms import (
    CountLineFormSet,
    GoodsReceiptForm,
    ReceiptLineFormSet,
    StocktakeForm,
    TransferForm,
    TransferLineFormSet,
)
from .importing import StocktakeCountImporter
from .models import GoodsReceipt, StockBalance, StockLedgerEntry, Stocktake, Transfer
from .services import StockError
from .tables import (
    BalanceTable,
    GoodsReceiptTable,
    LedgerTable,
    MovementTable,
    StocktakeTable,
    TransferTable,
)


class BalanceListView(ConsignListView):
    """Stock per product and warehouse: on hand, reserved, available; filters warehouse, supplier,
    low stock; export."""

    permission_required = "inventory.view_stockbalance"
    model = StockBalance
    table_class = BalanceTable
    filterset_class = BalanceFilter
    title = gettext_lazy("Stock")
    export_filename = "stock"

    def get_queryset(self):
        return selectors.balances()


class ProductLedgerView(ConsignListView):
    """One product's stock ledger 出入库流水, newest first, with the balance after every row."""

    permission_required = "inventory.view_stockledgerentry"
    model = StockLedgerEntry
    table_class = LedgerTable
    filterset_class = LedgerFilter
    template_name = "inventory/product_ledger.html"

    def dispatch(self, request, *args, **kwargs):
        self.product = get_object_or_404(Product, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.ledger(product=self.product).prefetch_related("source")

    def get_title(self):
        return _("Stock ledger: %(product)s") % {"product": self.product}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["product"] = self.product
        context["balances"] = selectors.balances().filter(product=self.product)
        return context


class LedgerListView(ConsignListView):
    """Every product's stock ledger rows 出入库流水, newest first: the movements behind the inventory analysis
    dashboard's figures (by warehouse, product, supplier, kind, direction and date)."""

    permission_required = "inventory.view_stockledgerentry"
    model = StockLedgerEntry
    table_class = MovementTable
    filterset_class = MovementFilter
    title = gettext_lazy("Stock movements")
    export_filename = "stock-movements"

    def get_queryset(self):
        return selectors.ledger().prefetch_related("source")


# ---- documents --------------------------------------------------------------------------------------

class DocumentListView(ConsignListView):
    def get_queryset(self):
        return self.model.objects.select_related(*self.related).order_by("-id")


class GoodsReceiptListView(DocumentListView):
    permission_required = "inventory.view_goodsreceipt"
    model = GoodsReceipt
    related = ("supplier", "warehouse")
    table_class = GoodsReceiptTable
    filterset_class = GoodsReceiptFilter
    title = gettext_lazy("Goods receipts")
    create_url_name = "inventory:receipt_create"


class StocktakeListView(DocumentListView):
    permission_required = "inventory.view_stocktake"
    model = Stocktake
    related = ("warehouse",)
    table_class = StocktakeTable
    filterset_class = StocktakeFilter
    title = gettext_lazy("Stocktakes")
    create_url_name = "inventory:stocktake_create"


class TransferListView(DocumentListView):
    permission_required = "inventory.view_transfer"
    model = Transfer
    related = ("from_warehouse", "to_warehouse")
    table_class = TransferTable
    filterset_class = TransferFilter
    title = gettext_lazy("Transfers")
    create_url_name = "inventory:transfer_create"


class DocumentCreateView(PermissionRequiredMixin, TemplateView):
    """Header form + line formset → documents.create_<document> → the draft's page."""

    template_name = "inventory/document_form.html"
    form_class = formset_class = title = list_url_name = None
    line_fields = ()

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.form_class())
        kwargs.setdefault("formset", self.formset_class(prefix="lines"))
        return super().get_context_data(title=self.title, line_fields=self.line_fields,
                                        list_url_name=self.list_url_name, **kwargs)

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST)
        formset = self.formset_class(request.POST, prefix="lines")
        if form.is_valid() and formset.is_valid():
            try:
                document = self.create(form.cleaned_data, formset.lines())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("%(document)s saved as a draft; post it to move the stock.")
                                 % {"document": document})
                return redirect(document)
        return self.render_to_response(self.get_context_data(form=form, formset=formset), status=400)


class GoodsReceiptCreateView(DocumentCreateView):
    permission_required = "inventory.add_goodsreceipt"
    form_class, formset_class = GoodsReceiptForm, ReceiptLineFormSet
    title = gettext_lazy("New goods receipt")
    list_url_name = "inventory:receipt_list"
    line_fields = ("product", "quantity", "unit_cost")

    def create(self, data, lines):
        return documents.create_goods_receipt(supplier=data["supplier"], warehouse=data["warehouse"],
                                              note=data["note"], lines=lines, actor=self.request.user)


class StocktakeCreateView(DocumentCreateView):
    permission_required = "inventory.add_stocktake"
    form_class, formset_class = StocktakeForm, CountLineFormSet
    title = gettext_lazy("New stocktake")
    list_url_name = "inventory:stocktake_list"
    line_fields = ("product", "counted")

    def create(self, data, lines):
        return documents.create_stocktake(warehouse=data["warehouse"], reason=data["reason"], note=data["note"],
                                          counts=lines, actor=self.request.user)


class TransferCreateView(DocumentCreateView):
    permission_required = "inventory.add_transfer"
    form_class, formset_class = TransferForm, TransferLineFormSet
    title = gettext_lazy("New transfer")
    list_url_name = "inventory:transfer_list"
    line_fields = ("product", "quantity")

    def create(self, data, lines):
        return documents.create_transfer(from_warehouse=data["from_warehouse"], to_warehouse=data["to_warehouse"],
                                         note=data["note"], lines=lines, actor=self.request.user)


class DocumentDetailView(PermissionRequiredMixin, TemplateView):
    template_name = "inventory/document_detail.html"
    model = None
    related = ()
    list_url_name = None

    def get_context_data(self, **kwargs):
        document = get_object_or_404(self.model.objects.select_related(*self.related, "created_by"),
                                     pk=self.kwargs["pk"])
        user = self.request.user
        lines = list(document.lines.select_related("product"))
        return super().get_context_data(
            document=document, lines=lines, timeline=timeline_for(document), list_url_name=self.list_url_name,
            may_post=can_proceed(document.post) and has_transition_perm(document.post, user),
            ledger_rows=selectors.ledger_for_source(document),
            **kwargs,
        )


class GoodsReceiptDetailView(DocumentDetailView):
    permission_required = "inventory.view_goodsreceipt"
    model = GoodsReceipt
    related = ("supplier", "warehouse")
    list_url_name = "inventory:receipt_list"


class StocktakeDetailView(DocumentDetailView):
    permission_required = "inventory.view_stocktake"
    model = Stocktake
    related = ("warehouse",)
    list_url_name = "inventory:stocktake_list"


class TransferDetailView(DocumentDetailView):
    permission_required = "inventory.view_transfer"
    model = Transfer
    related = ("from_warehouse", "to_warehouse")
    list_url_name = "inventory:transfer_list"


class DocumentPostView(PermissionRequiredMixin, View):
    """POST: post the draft; refusals (short stock, already posted, posted by someone else at the same
    moment, no permission) come back as a message and write nothing."""

    http_method_names = ["post"]
    model = None

    def post(self, request, pk):
        document = get_object_or_404(self.model, pk=pk)
        try:
            self.run(document, request.user)
        except (TransitionNotAllowed, ConcurrentTransition):
            messages.error(request, _("%(document)s was already posted (perhaps by someone else just now).")
                           % {"document": document})
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You may not post this document."))
        except (StockError, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("%(document)s posted.") % {"document": document})
        return redirect(self.model(pk=pk).get_absolute_url())


class GoodsReceiptPostView(DocumentPostView):
    permission_required = "inventory.post_goodsreceipt"
    model = GoodsReceipt

    def run(self, document, actor):
        documents.post_goods_receipt(document, actor=actor)


class StocktakePostView(DocumentPostView):
    permission_required = "inventory.post_stocktake"
    model = Stocktake

    def run(self, document, actor):
        documents.post_stocktake(document, actor=actor)


class TransferPostView(DocumentPostView):
    permission_required = "inventory.post_transfer"
    model = Transfer

    def run(self, document, actor):
        documents.post_transfer(document, actor=actor)




# ---- stocktake counts from a file -------------------------------------------------------------------

class StocktakeImportForm(ImportUploadForm):
    """The generic upload form plus the warehouse and the reason (picked before the file is read)."""

    warehouse = forms.ModelChoiceField(label=gettext_lazy("Warehouse"), queryset=Warehouse.objects.none())
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=255)
    field_order = ["warehouse", "reason", "file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["warehouse"].queryset = Warehouse.objects.filter(is_active=True).order_by("name")
        searchable(self.fields["warehouse"].widget)

    def clean_file(self):
        warehouse, reason = self.cleaned_data.get("warehouse"), (self.cleaned_data.get("reason") or "").strip()
        if warehouse is None or not reason:
            return self.cleaned_data.get("file")  # their own errors say what is missing
        self.importer.warehouse, self.importer.reason = warehouse, reason
        return super().clean_file()


class StocktakeImportView(ImportUploadView):
    """Upload counts (SKU, counted quantity) → preview → a draft stocktake."""

    importer_class = StocktakeCountImporter
    url_name = "inventory:stocktake_import"
    permission_required = StocktakeCountImporter.permission
    form_class = StocktakeImportForm
    template_name = "inventory/stocktake_import.html"


class StocktakeImportPreviewView(ImportPreviewView):
    importer_class = StocktakeCountImporter
    url_name = "inventory:stocktake_import"
    permission_required = StocktakeCountImporter.permission
