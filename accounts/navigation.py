"""The navigation menu. An entry shows only when the access rules would let the user open it, so the
menu and the access middleware can never disagree."""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, resolve, reverse
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
    MenuEntry(_("Finance"), _("Supplier users"), "portal:staff_suppliers"),
    # Reports 报表看板: each dashboard shows to those who hold its permission (reports/grants.py).
    MenuEntry(_("Reports"), _("Dashboards"), "reports:index"),
    MenuEntry(_("Reports"), _("Shipping statistics"), "reports:shipping"),
    MenuEntry(_("Reports"), _("Dispatch monitoring"), "reports:monitoring"),
    MenuEntry(_("Reports"), _("After-sales analysis"), "reports:aftersales"),
    MenuEntry(_("Reports"), _("Inventory analysis"), "reports:inventory"),
    MenuEntry(_("Reports"), _("Reconciliation"), "reports:reconciliation"),
    MenuEntry(_("Reports"), _("Supplier scorecard"), "reports:scorecard"),
    MenuEntry(_("Reports"), _("Saved views"), "reports:view_list"),
    MenuEntry(_("Master data"), _("Stores"), "catalog:store_list"),
    MenuEntry(_("Master data"), _("Suppliers"), "catalog:supplier_list"),
    MenuEntry(_("Master data"), _("Products"), "catalog:product_list"),
    MenuEntry(_("Master data"), _("Import products"), "catalog:product_import"),
    MenuEntry(_("Master data"), _("Warehouses"), "catalog:warehouse_list"),
    MenuEntry(_("Master data"), _("Carriers"), "catalog:carrier_list"),
    MenuEntry(_("Account"), _("API tokens"), "accounts:api_tokens"),
]


@lru_cache(maxsize=16)
def _entry_targets(url_names, urlconf, script_prefix):
    """{url name: (url, view function)} of the entries that exist, reversed and resolved once per process
    (per URLconf and script prefix) instead of once per entry on every page."""
    targets = {}
    for url_name in url_names:
        try:
            url = reverse(url_name, urlconf=urlconf)
        except NoReverseMatch:
            continue
        targets[url_name] = (url, resolve(url, urlconf=urlconf).func)
    return targets


def menu_for(user):
    """[(section, [(label, url)])] in menu order, only the entries the user may open."""
    targets = _entry_targets(tuple(entry.url_name for entry in MENU), get_urlconf() or settings.ROOT_URLCONF,
                             get_script_prefix())
    sections = {}
    for entry in MENU:
        if entry.url_name not in targets:
            continue
        url, view_func = targets[entry.url_name]
        if user_may_open(user, view_func):
            sections.setdefault(str(entry.section), []).append((entry.label, url))
    return list(sections.items())


def menu_for_request(request):
    """The menu of the request's user, computed once per request however many templates ask for it (a page
    that renders a fragment per table row must not build the menu per row)."""
    menu = getattr(request, "_consign_nav_menu", None)
    if menu is None:
        user = getattr(request, "user", None)
        menu = menu_for(user) if user is not None and user.is_authenticated else []
        request._consign_nav_menu = menu
    return menu
