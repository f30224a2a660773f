"""Master data over the API: list (paginated, filtered), detail, create (POST → 201) and update
(PATCH) for stores, suppliers, products, warehouses and carriers. Writes go through the same ModelForms
as the pages (catalog/forms.py) and need the same permissions (catalog.view_/add_/change_<model>)."""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from ninja import FilterSchema, ModelSchema, Query, Router, Status

from core.api import Input, PageIn, page_of, paginate, require_permissions, save_form
from core.api_types import Count, Money
from core.idempotency import idempotent

from .forms import CarrierForm, ProductForm, StoreForm, SupplierForm, WarehouseForm
from .models import Carrier, Platform, Product, Store, Supplier, SupplierKind, Warehouse

router = Router(tags=["catalog"])

# ---- output -----------------------------------------------------------------------------------------
class StoreOut(ModelSchema):
    """A store 店铺 (sales channel)."""

    class Meta:
        model = Store
        fields = ["id", "name", "platform", "salesperson", "promised_dispatch_hours", "is_active", "updated_at"]


class SupplierOut(ModelSchema):
    """A supplier 供应商."""

    class Meta:
        model = Supplier
        fields = ["id", "name", "code", "kind", "contact_name", "contact_phone", "contact_email", "address",
                  "promised_dispatch_hours", "is_active", "updated_at"]


class ProductOut(ModelSchema):
    """A product 产品."""

    class Meta:
        model = Product
        fields = ["id", "sku", "name", "default_supplier", "supplier_unit_cost", "list_price",
                  "low_stock_threshold", "is_active", "updated_at"]


class WarehouseOut(ModelSchema):
    """A warehouse 仓库."""

    class Meta:
        model = Warehouse
        fields = ["id", "code", "name", "address", "is_active", "updated_at"]


class CarrierOut(ModelSchema):
    """A carrier 物流公司."""

    class Meta:
        model = Carrier
        fields = ["id", "code", "name", "tracking_url_pattern", "is_active", "updated_at"]


# ---- input: every field optional here; the ModelForm decides what is required -----------------------
class StoreIn(Input):
    """A store's fields (all optional here; the form decides what a new one needs)."""

    name: str | None = None
    platform: Platform | None = None
    salesperson: int | None = None
    promised_dispatch_hours: Count | None = None
    is_active: bool | None = None


class SupplierIn(Input):
    """A supplier's fields (all optional here; the form decides what a new one needs)."""

    name: str | None = None
    code: str | None = None
    kind: SupplierKind | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    address: str | None = None
    promised_dispatch_hours: Count | None = None
    portal_users: list[int] | None = None
    is_active: bool | None = None


class ProductIn(Input):
    """A product's fields (all optional here; the form decides what a new one needs)."""

    sku: str | None = None
    name: str | None = None
    default_supplier: int | None = None
    supplier_unit_cost: Money | None = None
    list_price: Money | None = None
    low_stock_threshold: Count | None = None
    is_active: bool | None = None


class WarehouseIn(Input):
    """A warehouse's fields (all optional here; the form decides what a new one needs)."""

    code: str | None = None
    name: str | None = None
    address: str | None = None
    is_active: bool | None = None


class CarrierIn(Input):
    """A carrier's fields (all optional here; the form decides what a new one needs)."""

    code: str | None = None
    name: str | None = None
    tracking_url_pattern: str | None = None
    is_active: bool | None = None


# ---- filters -------------------------------------------------------------------------------------
class BaseFilter(FilterSchema):
    """Filters every master-data list takes."""

    is_active: bool | None = None


def search(*fields):
    def custom(self, value):
        q = Q()
        for field in fields:
            q |= Q(**{f"{field}__icontains": value})
        return q if value else Q()

    return custom


class StoreFilter(BaseFilter):
    """Filters of the store list (`q`: words of the name)."""

    q: str | None = None
    platform: Platform | None = None
    salesperson: int | None = None
    filter_q = search("name")


class SupplierFilter(BaseFilter):
    """Filters of the supplier list (`q`: words of the name or code)."""

    q: str | None = None
    kind: SupplierKind | None = None
    filter_q = search("name", "code")


class ProductFilter(BaseFilter):
    """Filters of the product list (`q`: words of the SKU or name)."""

    q: str | None = None
    supplier: int | None = None
    filter_q = search("sku", "name")

    def filter_supplier(self, value):
        return Q(default_supplier_id=value) if value else Q()


class WarehouseFilter(BaseFilter):
    """Filters of the warehouse list (`q`: words of the name or code)."""

    q: str | None = None
    filter_q = search("name", "code")


class CarrierFilter(BaseFilter):
    """Filters of the carrier list (`q`: words of the name or code)."""

    q: str | None = None
    filter_q = search("name", "code")


# ---- endpoints -----------------------------------------------------------------------------------
def add_resource(prefix, *, model, form_class, out_schema, in_schema, filter_schema, select_related=()):
    """list / detail / create / update for one master-data model; names `<model>_list` … in api:."""
    name = model._meta.model_name
    label = model._meta.app_label

    @router.get(f"/{prefix}/", response=page_of(out_schema), url_name=f"{name}_list",
                operation_id=f"catalog_list_{prefix}", summary=f"List {model._meta.verbose_name_plural}",
                description=f"{model._meta.verbose_name_plural.capitalize()}, filtered; one page at a time.")
    def list_view(request, filters: Query[filter_schema], page: Query[PageIn]):
        require_permissions(request, f"{label}.view_{name}")
        queryset = model.objects.select_related(*select_related).order_by(*model._meta.ordering, "pk")
        return paginate(request, filters.filter(queryset), page)

    @router.get(f"/{prefix}/{{int:pk}}/", response=out_schema, url_name=f"{name}_detail",
                operation_id=f"catalog_get_{name}", summary=f"One {model._meta.verbose_name}",
                description=f"One {model._meta.verbose_name} by id (404 when there is none).")
    def detail_view(request, pk: int):
        require_permissions(request, f"{label}.view_{name}")
        return get_object_or_404(model, pk=pk)

    @router.post(f"/{prefix}/", response={201: out_schema}, url_name=f"{name}_create",
                 operation_id=f"catalog_create_{name}", summary=f"Create a {model._meta.verbose_name}",
                 description=f"Create a {model._meta.verbose_name} through the same form as the page "
                             "(400 with its field errors).")
    @idempotent
    def create_view(request, payload: in_schema):
        require_permissions(request, f"{label}.add_{name}")
        return Status(201, save_form(form_class, model(), payload.dict(exclude_unset=True)))

    @router.patch(f"/{prefix}/{{int:pk}}/", response=out_schema, url_name=f"{name}_update",
                  operation_id=f"catalog_update_{name}", summary=f"Change a {model._meta.verbose_name}",
                  description=f"Change the fields sent of a {model._meta.verbose_name}; the others stay.")
    def update_view(request, pk: int, payload: in_schema):
        require_permissions(request, f"{label}.change_{name}")
        instance = get_object_or_404(model, pk=pk)
        return save_form(form_class, instance, payload.dict(exclude_unset=True))


add_resource("stores", model=Store, form_class=StoreForm, out_schema=StoreOut, in_schema=StoreIn,
             filter_schema=StoreFilter)
add_resource("suppliers", model=Supplier, form_class=SupplierForm, out_schema=SupplierOut,
             in_schema=SupplierIn, filter_schema=SupplierFilter)
add_resource("products", model=Product, form_class=ProductForm, out_schema=ProductOut, in_schema=ProductIn,
             filter_schema=ProductFilter)
add_resource("warehouses", model=Warehouse, form_class=WarehouseForm, out_schema=WarehouseOut,
             in_schema=WarehouseIn, filter_schema=WarehouseFilter)
add_resource("carriers", model=Carrier, form_class=CarrierForm, out_schema=CarrierOut, in_schema=CarrierIn,
             filter_schema=CarrierFilter)
