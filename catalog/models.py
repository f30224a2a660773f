from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.updated_at import updated_at_field


class Platform(models.TextChoices):
    TMALL = "tmall", _("Tmall")
    JD = "jd", _("JD")
    DOUYIN = "douyin", _("Douyin")
    SHOPIFY = "shopify", _("Shopify")
    OTHER = "other", _("Other")


class Store(models.Model):
    """A sales channel 店铺: orders come from it; its salesperson hears of each new order. Its orders
    must be dispatched within `promised_dispatch_hours` (the platform's rule)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("responsible salesperson"), on_delete=models.PROTECT,
        related_name="stores",
    )
    promised_dispatch_hours = models.PositiveIntegerField(
        _("promised dispatch hours"), default=48, validators=[MinValueValidator(1)],
        help_text=_("The platform's rule: hours after an order is placed by which it must be dispatched."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = updated_at_field()

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(promised_dispatch_hours__gte=1),
                                   name="store_promised_hours_positive"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:store_edit", args=[self.pk])


class SupplierKind(models.TextChoices):
    MANUFACTURER = "manufacturer", _("Manufacturer")
    DISTRIBUTOR = "distributor", _("Distributor")


class Supplier(models.Model):
    """A manufacturer or distributor 供应商. Drop-ships promise dispatch within `promised_dispatch_hours`."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    code = models.SlugField(_("code"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=SupplierKind.choices,
                            default=SupplierKind.MANUFACTURER)
    contact_name = models.CharField(_("contact name"), max_length=80, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    promised_dispatch_hours = models.PositiveIntegerField(
        _("promised dispatch hours"), default=48, validators=[MinValueValidator(1)],
        help_text=_("Hours within which an approved drop-ship should be dispatched."),
    )
    portal_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("portal users"), blank=True, related_name="supplier_accounts",
        through="SupplierPortalUser",
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = updated_at_field()

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(promised_dispatch_hours__gte=1),
                                   name="supplier_promised_hours_positive"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:supplier_edit", args=[self.pk])


class SupplierPortalUser(models.Model):
    """A supplier's portal login (Supplier.portal_users). A supplier user sees one supplier's records, so the
    database holds a user to one supplier at most. (The table the many-to-many field always had.)"""

    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

    class Meta:
        db_table = "catalog_supplier_portal_users"
        verbose_name = _("supplier portal user")
        verbose_name_plural = _("supplier portal users")
        constraints = [models.UniqueConstraint(fields=["user"], name="supplier_portal_user_one_supplier")]

    def __str__(self):
        return f"{self.user} → {self.supplier}"


class Product(models.Model):
    """A product 产品 sold through the stores, bought from its default supplier."""

    sku = models.CharField(_("SKU"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    default_supplier = models.ForeignKey(
        Supplier, verbose_name=_("default supplier"), on_delete=models.PROTECT, related_name="products"
    )
    supplier_unit_cost = models.DecimalField(
        _("supplier unit cost"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    list_price = models.DecimalField(
        _("list price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    low_stock_threshold = models.PositiveIntegerField(_("low-stock threshold"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = updated_at_field()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sku"]
        constraints = [
            models.CheckConstraint(condition=Q(supplier_unit_cost__gte=0), name="product_cost_not_negative"),
            models.CheckConstraint(condition=Q(list_price__gte=0), name="product_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.sku} · {self.name}"

    def get_absolute_url(self):
        return reverse("catalog:product_edit", args=[self.pk])


class Warehouse(models.Model):
    """A warehouse 仓库 of the seller's own, from which company dispatches leave."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = updated_at_field()

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:warehouse_edit", args=[self.pk])


class Carrier(models.Model):
    """A carrier 物流公司; its tracking URL pattern holds `{tracking_number}`."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    tracking_url_pattern = models.CharField(
        _("tracking URL pattern"), max_length=255, blank=True,
        help_text=_("For example https://example.com/track?no={tracking_number}"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = updated_at_field()

    class Meta:
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("catalog:carrier_edit", args=[self.pk])

    def tracking_url(self, tracking_number):
        if not self.tracking_url_pattern or not tracking_number:
            return ""
        from urllib.parse import quote

        return self.tracking_url_pattern.replace("{tracking_number}", quote(str(tracking_number)))
