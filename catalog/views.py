"""Master-data pages: one list, create and edit page per model, all on the shared core views."""

from django.utils.translation import gettext_lazy as _

from core.views import ConsignCreateView, ConsignListView, ConsignUpdateView

from . import filters, forms, tables
from .models import Carrier, Product, Store, Supplier, Warehouse


class StoreListView(ConsignListView):
    permission_required = "catalog.view_store"
    model = Store
    queryset = Store.objects.select_related("salesperson")
    table_class = tables.StoreTable
    filterset_class = filters.StoreFilter
    title = _("Stores")
    create_url_name = "catalog:store_create"


class StoreCreateView(ConsignCreateView):
    permission_required = "catalog.add_store"
    model = Store
    form_class = forms.StoreForm
    list_url_name = "catalog:store_list"


class StoreUpdateView(ConsignUpdateView):
    permission_required = "catalog.change_store"
    model = Store
    form_class = forms.StoreForm
    list_url_name = "catalog:store_list"


class SupplierListView(ConsignListView):
    permission_required = "catalog.view_supplier"
    model = Supplier
    queryset = Supplier.objects.all()
    table_class = tables.SupplierTable
    filterset_class = filters.SupplierFilter
    title = _("Suppliers")
    create_url_name = "catalog:supplier_create"


class SupplierCreateView(ConsignCreateView):
    permission_required = "catalog.add_supplier"
    model = Supplier
    form_class = forms.SupplierForm
    list_url_name = "catalog:supplier_list"


class SupplierUpdateView(ConsignUpdateView):
    permission_required = "catalog.change_supplier"
    model = Supplier
    form_class = forms.SupplierForm
    list_url_name = "catalog:supplier_list"


class ProductListView(ConsignListView):
    permission_required = "catalog.view_product"
    model = Product
    queryset = Product.objects.select_related("default_supplier")
    table_class = tables.ProductTable
    filterset_class = filters.ProductFilter
    title = _("Products")
    create_url_name = "catalog:product_create"


class ProductCreateView(ConsignCreateView):
    permission_required = "catalog.add_product"
    model = Product
    form_class = forms.ProductForm
    list_url_name = "catalog:product_list"


class ProductUpdateView(ConsignUpdateView):
    permission_required = "catalog.change_product"
    model = Product
    form_class = forms.ProductForm
    list_url_name = "catalog:product_list"


class WarehouseListView(ConsignListView):
    permission_required = "catalog.view_warehouse"
    model = Warehouse
    queryset = Warehouse.objects.all()
    table_class = tables.WarehouseTable
    filterset_class = filters.WarehouseFilter
    title = _("Warehouses")
    create_url_name = "catalog:warehouse_create"


class WarehouseCreateView(ConsignCreateView):
    permission_required = "catalog.add_warehouse"
    model = Warehouse
    form_class = forms.WarehouseForm
    list_url_name = "catalog:warehouse_list"


class WarehouseUpdateView(ConsignUpdateView):
    permission_required = "catalog.change_warehouse"
    model = Warehouse
    form_class = forms.WarehouseForm
    list_url_name = "catalog:warehouse_list"


class CarrierListView(ConsignListView):
    permission_required = "catalog.view_carrier"
    model = Carrier
    queryset = Carrier.objects.all()
    table_class = tables.CarrierTable
    filterset_class = filters.CarrierFilter
    title = _("Carriers")
    create_url_name = "catalog:carrier_create"
    template_name = "catalog/carrier_list.html"


class CarrierFormMixin:
    permission_required = None
    model = Carrier
    form_class = forms.CarrierForm
    list_url_name = "catalog:carrier_list"
    template_name = "catalog/carrier_form.html"

    def get_context_data(self, **kwargs):
        carrier = getattr(self, "object", None)
        example = carrier.tracking_url(tables.EXAMPLE_TRACKING_NUMBER) if carrier else ""
        return super().get_context_data(example_link=example, **kwargs)


class CarrierCreateView(CarrierFormMixin, ConsignCreateView):
    permission_required = "catalog.add_carrier"


class CarrierUpdateView(CarrierFormMixin, ConsignUpdateView):
    permission_required = "catalog.change_carrier"
