"""The navigation menu. An entry shows only when the access rules would let the user open it, so the
menu and the access middleware can never disagree."""

from dataclasses import dataclass

from django.urls import NoReverseMatch, resolve, reverse
from django.utils.translation import gettext_lazy as _

from core.access import user_may_open


@dataclass(frozen=True)
class MenuEntry:
    section: str
    label: str
    url_name: str


MENU = [
    MenuEntry(_("Work"), _("Home"), "reports:home"),
    MenuEntry(_("Work"), _("Inbox"), "notifications:inbox"),
    MenuEntry(_("Orders"), _("Orders"), "orders:order_list"),
    MenuEntry(_("Orders"), _("New order"), "orders:order_create"),
    MenuEntry(_("Orders"), _("Import orders"), "orders:order_import"),
    MenuEntry(_("Orders"), _("Invoices"), "orders:invoice_list"),
    MenuEntry(_("Shipments"), _("Shipments"), "shipments:shipment_list"),
    MenuEntry(_("Shipments"), _("New shipment"), "shipments:shipment_create"),
    MenuEntry(_("Shipments"), _("Approval queue"), "shipments:approval_queue"),
    MenuEntry(_("Shipments"), _("Warehouse queue"), "shipments:queue"),
    MenuEntry(_("Shipments"), _("Import tracking numbers"), "shipments:tracking_import"),
    MenuEntry(_("Shipments"), _("Import delivery statuses"), "shipments:status_import"),
    MenuEntry(_("After-sales"), _("After-sales tickets"), "aftersales:ticket_list"),
    MenuEntry(_("After-sales"), _("New after-sales ticket"), "aftersales:ticket_create"),
    MenuEntry(_("Stock"), _("Stock"), "inventory:balance_list"),
    MenuEntry(_("Stock"), _("Goods receipts"), "inventory:receipt_list"),
    MenuEntry(_("Stock"), _("Stocktakes"), "inventory:stocktake_list"),
    MenuEntry(_("Stock"), _("Import stocktake counts"), "inventory:stocktake_import"),
    MenuEntry(_("Stock"), _("Transfers"), "inventory:transfer_list"),
    MenuEntry(_("Finance"), _("Supplier accounts"), "reconciliation:account_list"),
    MenuEntry(_("Finance"), _("Statements"), "reconciliation:statement_list"),
    MenuEntry(_("Finance"), _("New statement"), "reconciliation:statement_create"),
    MenuEntry(_("Master data"), _("Stores"), "catalog:store_list"),
    MenuEntry(_("Master data"), _("Suppliers"), "catalog:supplier_list"),
    MenuEntry(_("Master data"), _("Products"), "catalog:product_list"),
    MenuEntry(_("Master data"), _("Import products"), "catalog:product_import"),
    MenuEntry(_("Master data"), _("Warehouses"), "catalog:warehouse_list"),
    MenuEntry(_("Master data"), _("Carriers"), "catalog:carrier_list"),
    MenuEntry(_("Account"), _("API tokens"), "accounts:api_tokens"),
]


def menu_for(user):
    """[(section, [(label, url)])] in menu order, only the entries the user may open."""
    sections = {}
    for entry in MENU:
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        if user_may_open(user, resolve(url).func):
            sections.setdefault(str(entry.section), []).append((entry.label, url))
    return list(sections.items())
