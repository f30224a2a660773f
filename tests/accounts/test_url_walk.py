"""Every page of the project, opened by every kind of visitor: the answer must be the one this table
intends. The walk reads the URL configuration itself, so a new page without a row here fails the test
(add the row in the same change as the URL: DESIGN.md says who may open what).

Who: anonymous, a user holding just one role (each of accounts.roles.Role), and a superuser.

A row is either
- a set of who may open the page (or `Opens(who, status, why)` when their answer is not 200, e.g.
  `post_only(who)`: 405). Those get 200; everybody else gets the middleware's answer:
  anonymous → redirect to the login page, a supplier login → redirect to the supplier portal's home,
  any other logged-in user → 403;
- or a dict {who: status} spelling out every visitor, for pages whose normal answer is not 200
  (redirecting views: the root, the login page once logged in; logout only accepts POST).

Left out of the walk: `admin:` (it guards itself: tested below), `/api/` (token auth, tested by the
API tests) and `/static/`. Patterns that need arguments get them from ARGS (name → kwargs, or a callable(visitor) → kwargs)."""

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.roles import INTERNAL_ROLES, Role
from aftersales.notes import add_note
from catalog.grants import CATALOG_MODELS
from core.models import PdfJob, PdfJobState
from reports.datasets import DATASETS, readable_datasets
from reports.models import SavedView
from tests.aftersales.factories import make_ticket
from tests.factories import (
    CarrierFactory,
    ProductFactory,
    StoreFactory,
    SupplierFactory,
    UserFactory,
    WarehouseFactory,
)
from tests.inventory.factories import GoodsReceiptFactory, StocktakeFactory, TransferFactory
from tests.notifications.factories import NotificationFactory
from tests.orders.factories import OrderLineFactory
from tests.orders.invoice_factories import VatInvoiceFactory
from tests.reconciliation.factories import empty_statement
from tests.shipments.factories import a_shipment

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
SUPERUSER = "superuser"
SUPPLIER = Role.SUPPLIER.value
VISITORS = [ANONYMOUS, *sorted(INTERNAL_ROLES), SUPPLIER, SUPERUSER]

INTERNAL = frozenset(INTERNAL_ROLES) | {SUPERUSER}       # every internal role (and the administrator)
LOGGED_IN = INTERNAL | {SUPPLIER}
EVERYONE = LOGGED_IN | {ANONYMOUS}


def roles(*names):
    """Those roles and the superuser (who holds every permission)."""
    return frozenset(str(n) for n in names) | {SUPERUSER}


MASTER_DATA_EDITORS = roles(Role.MANAGER)                # catalog add/change (accounts.roles)
ORDER_READERS = roles(Role.SALES, Role.APPROVER, Role.WAREHOUSE, Role.FINANCE, Role.MANAGER)
ORDER_TAKERS = roles(Role.SALES)                         # add_order: type in, import; cancel_order
TICKET_READERS = roles(Role.SALES, Role.APPROVER, Role.WAREHOUSE, Role.FINANCE, Role.MANAGER)  # view_ticket
SHIPMENT_READERS = roles(Role.SALES, Role.APPROVER, Role.WAREHOUSE, Role.FINANCE, Role.MANAGER)


@dataclass(frozen=True)
class Opens:
    """`who` may open the page and gets `status` (not 200: say why); everybody else gets the
    middleware's answer (see the module docstring)."""

    who: frozenset
    status: int = 200
    why: str = ""


def post_only(who):
    return Opens(who, 405, "POST only: the access check comes first, then the method")


def everyone(status):
    return dict.fromkeys(EVERYONE, status)


EXPECTED = {
    # accounts
    "accounts:root": everyone(302),  # sends each visitor to its own home (or the login page)
    "accounts:login": {ANONYMOUS: 200, **dict.fromkeys(LOGGED_IN, 302)},  # logged in: on to home
    "accounts:logout": everyone(405),  # POST only (Django 5): a link cannot log anybody out
    "reports:home": INTERNAL,
    "reports:index": INTERNAL,  # lists the dashboards (and saved views) the visitor may open
    # dashboards (reports/grants.py): managers; finance and its supervisor also read the supplier scorecard
    "reports:shipping": roles(Role.MANAGER),
    "reports:aftersales": roles(Role.MANAGER),
    "reports:scorecard": roles(Role.MANAGER, Role.FINANCE, Role.FINANCE_SUPERVISOR),
    # saved views: managers keep them; anyone internal opens their own and those shared with their roles
    # (ARGS gives each visitor a view of its own) and pins them
    "reports:view_list": INTERNAL,
    # a view over a dataset whose dashboard the visitor may not open is not found (reports/datasets.py)
    "reports:view_detail": {**dict.fromkeys(INTERNAL, 200), Role.SALES.value: 404, Role.APPROVER.value: 404,
                            ANONYMOUS: 302, SUPPLIER: 302},
    "reports:view_create": roles(Role.MANAGER),
    "reports:view_edit": roles(Role.MANAGER),
    "reports:view_delete": roles(Role.MANAGER),  # GET: the confirmation
    "reports:view_copy": post_only(roles(Role.MANAGER)),
    "reports:view_pin": post_only(INTERNAL),
    "reports:view_unpin": post_only(INTERNAL),
    "reports:inventory": roles(Role.WAREHOUSE, Role.MANAGER),
    "reports:reconciliation": roles(Role.FINANCE, Role.FINANCE_SUPERVISOR, Role.MANAGER),
    "reports:monitoring": roles(Role.MANAGER),  # dispatch monitoring (late orders and drop-ships)
    "reports:monitoring_remind": post_only(roles(Role.MANAGER)),  # its "remind the supplier" button
    "reports:dashboard_pdf": post_only(INTERNAL),  # queues the PDF of a dashboard the visitor may open
    "accounts:api_tokens": INTERNAL,  # each user's own API tokens
    # each person's own profile (their language): staff and supplier users alike; anonymous → login
    "accounts:profile": {ANONYMOUS: 302, **dict.fromkeys(LOGGED_IN, 200)},
    "accounts:api_token_revoke": post_only(INTERNAL),
    # Django's language switcher: exempt from the access middleware; a GET just redirects back.
    "set_language": everyone(302),
    # the monitor's health check: exempt from the access middleware, no login
    "healthz": everyone(200),
    # catalog: master data is read by every internal role and kept by managers
    **{f"catalog:{model}_list": INTERNAL for model in CATALOG_MODELS},
    **{f"catalog:{model}_create": MASTER_DATA_EDITORS for model in CATALOG_MODELS},
    **{f"catalog:{model}_edit": MASTER_DATA_EDITORS for model in CATALOG_MODELS},
    "catalog:product_import": MASTER_DATA_EDITORS,
    "catalog:product_import_preview": Opens(MASTER_DATA_EDITORS, 404, "a made-up token: access first"),
    # core: PDF jobs (each visitor opens its own job; other people's jobs are 404, tests/core)
    "core:job_detail": INTERNAL,
    "core:job_download": INTERNAL,
    # notifications: everybody internal has an inbox
    "notifications:inbox": INTERNAL,
    "notifications:badge": INTERNAL,
    "notifications:open": post_only(INTERNAL),
    "notifications:mark_read": post_only(INTERNAL),
    "notifications:mark_all_read": post_only(INTERNAL),
    # orders
    "orders:order_list": ORDER_READERS,
    "orders:order_detail": ORDER_READERS,
    "orders:order_create": ORDER_TAKERS,
    "orders:order_import": ORDER_TAKERS,
    "orders:order_import_template": ORDER_TAKERS,
    "orders:order_import_preview": Opens(ORDER_TAKERS, 404, "a made-up token: access first, then 404"),
    "shipments:order_cancel": post_only(roles(Role.SALES)),
    "shipments:order_close_short": post_only(roles(Role.SALES)),  # the order page's Close short button
    # invoices: finance records / issues them; sales, finance and managers read them
    "orders:invoice_create": roles(Role.FINANCE),
    "orders:invoice_list": roles(Role.SALES, Role.FINANCE, Role.MANAGER),
    "orders:invoice_file": roles(Role.SALES, Role.FINANCE, Role.MANAGER),
    "orders:invoice_pdf": post_only(roles(Role.SALES, Role.FINANCE, Role.MANAGER)),  # queues the PDF job
    # shipments: the approval queue (tick many, approve them at once) — approvers only
    "shipments:approval_queue": roles(Role.APPROVER),
    "shipments:approve_ticked": post_only(roles(Role.APPROVER)),
    # shipments: the warehouse queue and dispatch notes (printing starts picking) — warehouse only
    "shipments:queue": roles(Role.WAREHOUSE),
    "shipments:queue_print": post_only(roles(Role.WAREHOUSE)),
    "shipments:dispatch_note": post_only(roles(Role.WAREHOUSE)),
    # inventory: balances for those who decide dispatches; ledger and documents for warehouse and managers
    "inventory:balance_list": roles(Role.WAREHOUSE, Role.MANAGER, Role.SALES, Role.APPROVER),
    "inventory:product_ledger": roles(Role.WAREHOUSE, Role.MANAGER),
    "inventory:ledger_list": roles(Role.WAREHOUSE, Role.MANAGER),
    **{f"inventory:{doc}_{page}": roles(Role.WAREHOUSE, Role.MANAGER)
       for doc in ("receipt", "stocktake", "transfer") for page in ("list", "detail")},
    **{f"inventory:{doc}_create": roles(Role.WAREHOUSE) for doc in ("receipt", "stocktake", "transfer")},
    "inventory:stocktake_import": roles(Role.WAREHOUSE),
    "inventory:stocktake_import_preview": Opens(roles(Role.WAREHOUSE), 404, "a made-up token: access first, then 404"),
    **{f"inventory:{doc}_post": post_only(roles(Role.WAREHOUSE)) for doc in ("receipt", "stocktake", "transfer")},
    # shipments: read by every internal role but the finance supervisor; entered by sales; actions are
    # POSTs whose services check the transition's own permission
    "shipments:shipment_list": SHIPMENT_READERS,
    "shipments:shipment_detail": SHIPMENT_READERS,
    "shipments:shipment_create": roles(Role.SALES),
    "shipments:shipment_form_part": roles(Role.SALES),
    "shipments:shipment_action": post_only(SHIPMENT_READERS),
    "shipments:tracking_import": SHIPMENT_READERS,
    "shipments:tracking_import_preview": Opens(SHIPMENT_READERS, 404, "a made-up token: access first, then 404"),
    "shipments:status_import": SHIPMENT_READERS,
    "shipments:status_import_preview": Opens(SHIPMENT_READERS, 404, "a made-up token: access first, then 404"),
    # aftersales: tickets are read by every internal role but the finance supervisor; registered and
    # edited by sales; actions are POSTs whose services check the transition's own permission
    "aftersales:ticket_list": TICKET_READERS,
    "aftersales:ticket_detail": TICKET_READERS,
    "aftersales:order_part": TICKET_READERS,
    "aftersales:attachment": TICKET_READERS,
    "aftersales:ticket_create": roles(Role.SALES),
    "aftersales:ticket_edit": roles(Role.SALES),
    "aftersales:ticket_action": post_only(TICKET_READERS),
    "aftersales:ticket_note": post_only(roles(Role.SALES, Role.APPROVER, Role.WAREHOUSE)),
    "aftersales:ticket_shipment": post_only(roles(Role.SALES)),  # shipments.add_shipment
    "aftersales:ticket_assign": post_only(roles(Role.SALES, Role.APPROVER)),
    # reconciliation: supplier accounts are read by finance, its supervisor and managers
    "reconciliation:account_list": roles(Role.FINANCE, Role.FINANCE_SUPERVISOR, Role.MANAGER),
    "reconciliation:supplier_entries": roles(Role.FINANCE, Role.FINANCE_SUPERVISOR, Role.MANAGER),
    "reconciliation:entry_list": roles(Role.FINANCE, Role.FINANCE_SUPERVISOR, Role.MANAGER),
    "reconciliation:supplier_balance": roles(Role.FINANCE, Role.FINANCE_SUPERVISOR, Role.MANAGER),
    # statements: finance builds, submits, voids, records confirmation and payments; its supervisor
    # approves / rejects; managers read
    **{f"reconciliation:statement_{page}": roles(Role.FINANCE, Role.FINANCE_SUPERVISOR, Role.MANAGER)
       for page in ("list", "detail", "export")},
    "reconciliation:statement_pdf": post_only(roles(Role.FINANCE, Role.FINANCE_SUPERVISOR, Role.MANAGER)),
    "reconciliation:statement_create": roles(Role.FINANCE),
    **{f"reconciliation:statement_{action}": post_only(roles(Role.FINANCE))
       for action in ("submit", "void", "confirm", "pay", "remove_entries")},
    **{f"reconciliation:statement_{action}": post_only(roles(Role.FINANCE_SUPERVISOR))
       for action in ("approve", "reject")},
    # the supplier portal: supplier logins (the walk's is tied to a supplier); internal users holding
    # portal.view_as_supplier get 403 until they choose a supplier to view as (tests/portal)
    "portal:home": {SUPPLIER},
    "portal:dropship_list": {SUPPLIER},
    "portal:view_as": post_only(roles(Role.FINANCE, Role.MANAGER)),  # remembers the supplier: a POST
    "portal:dropship_detail": Opens({SUPPLIER}, 404, "another supplier's drop-ship: not found"),
    "portal:dispatch_import": {SUPPLIER},
    "portal:dispatch_import_preview": Opens({SUPPLIER}, 404, "a made-up token: access first, then 404"),
    "portal:ticket_list": {SUPPLIER},
    # a supplier login's own inbox (internal users have theirs in Consign: the middleware's answer)
    "portal:inbox": {SUPPLIER},
    "portal:inbox_mark_all_read": post_only({SUPPLIER}),
    "portal:inbox_open": post_only({SUPPLIER}),
    "portal:ticket_detail": Opens({SUPPLIER}, 404, "another supplier's ticket: not found"),
    "portal:attachment": Opens({SUPPLIER}, 404, "a file of another supplier's ticket: not found"),
    "portal:accept": everyone(410),  # the invitee's signed link (public); a made-up one no longer works
    # the seller's side: finance invites, resends, deactivates supplier users
    "portal:staff_suppliers": roles(Role.FINANCE),
    "portal:staff_supplier_users": roles(Role.FINANCE),
    "portal:staff_user_deactivate": post_only(roles(Role.FINANCE)),
    "portal:staff_invitation_resend": post_only(roles(Role.FINANCE)),
    # finance answers a disputed statement's lines and writes on its thread (reconciliation.answer_dispute)
    **{f"reconciliation:{action}": post_only(roles(Role.FINANCE))
       for action in ("dispute_adjust", "dispute_explain", "statement_message")},
    # the supplier's statements in its portal (its own approved statement; PDF rendered on the spot)
    **{f"portal:{page}": {SUPPLIER} for page in ("statement_list", "statement_detail", "statement_pdf", "balance",
                                                      "scorecard")},
    **{f"portal:statement_{action}": post_only({SUPPLIER}) for action in ("confirm", "dispute", "message")},
}


def own_approved_statement(user):
    """An approved statement of the visitor's supplier (of some supplier for anybody else)."""
    from catalog.models import Supplier

    supplier = (Supplier.objects.filter(portal_users=user).first() if user.is_authenticated else None)
    return empty_statement(supplier=supplier or SupplierFactory(), state="approved")


def own_pdf_job(user):
    """A finished PDF job of the visitor (someone else's when anonymous)."""
    owner = user if user.is_authenticated else UserFactory()
    job = PdfJob.objects.create(kind="test", created_by=owner, state=PdfJobState.DONE)
    job.file.save(f"job-{job.pk}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    job.save(update_fields=["file"])
    return {"pk": job.pk}


def an_order(user):
    return {"pk": OrderLineFactory().order.pk}


def an_invoice(user):
    return {"pk": VatInvoiceFactory().pk}


def a_ticket(user):
    return {"pk": make_ticket().pk}


def an_attachment(user):
    ticket = make_ticket()
    note = add_note(ticket, text="photo", channel="chat", actor=ticket.registered_by,
                    files=[ContentFile(b"%PDF-1.4\n%%EOF\n", name="receipt.pdf")])
    return {"pk": note.attachments.get().pk}


def own_saved_view(user):
    """A saved view of the visitor (of a manager when the visitor has no internal login), over a dataset the
    visitor may read when there is one (sales and approvers read none: their own view answers 404)."""
    owner = user if user.is_authenticated and user.is_internal else UserFactory(roles=("manager",))
    dataset = ([*readable_datasets(owner), "orders"])[0]
    view = SavedView.objects.create(owner=owner, name=f"view {SavedView.objects.count() + 1}", dataset=dataset,
                                    dimensions=["month"], measures=[next(iter(DATASETS[dataset].measures))])
    return {"pk": view.pk}


def a(factory):
    return lambda user: {"pk": factory().pk}


# name → the reverse() kwargs: a dict, or a callable(visitor) returning one (it may create objects).
ARGS = {
    "catalog:store_edit": a(StoreFactory),
    "catalog:supplier_edit": a(SupplierFactory),
    "catalog:product_edit": a(ProductFactory),
    "catalog:warehouse_edit": a(WarehouseFactory),
    "catalog:carrier_edit": a(CarrierFactory),
    "core:job_detail": own_pdf_job,
    "core:job_download": own_pdf_job,
    "notifications:open": a(NotificationFactory),
    "notifications:mark_read": a(NotificationFactory),
    "portal:inbox_open": a(NotificationFactory),
    "orders:order_detail": an_order,
    "shipments:order_cancel": an_order,
    "shipments:order_close_short": an_order,
    "orders:invoice_create": an_order,
    "orders:invoice_file": an_invoice,
    "orders:invoice_pdf": an_invoice,
    "shipments:dispatch_note": {"pk": 1},
    "reports:monitoring_remind": {"pk": 1},
    "orders:order_import_preview": {"token": "no-such-import"},
    "catalog:product_import_preview": {"token": "no-such-import"},
    "accounts:api_token_revoke": {"pk": 1},
    "inventory:product_ledger": a(ProductFactory),
    **{f"inventory:{doc}_{page}": a(factory) for doc, factory in (
        ("receipt", GoodsReceiptFactory), ("stocktake", StocktakeFactory), ("transfer", TransferFactory))
       for page in ("detail", "post")},
    "reconciliation:supplier_entries": a(SupplierFactory),
    "reconciliation:supplier_balance": a(SupplierFactory),
    **{f"reconciliation:statement_{page}": a(empty_statement) for page in (
        "detail", "export", "pdf", "submit", "approve", "reject", "void", "confirm", "pay", "remove_entries")},
    "inventory:stocktake_import_preview": {"token": "no-such-import"},
    "shipments:shipment_detail": lambda user: {"pk": a_shipment().pk},
    "shipments:shipment_action": lambda user: {"pk": a_shipment().pk, "action": "submit"},
    "shipments:tracking_import_preview": {"token": "no-such-import"},
    "shipments:status_import_preview": {"token": "no-such-import"},
    "aftersales:ticket_detail": a_ticket,
    "aftersales:ticket_edit": a_ticket,
    "aftersales:ticket_note": a_ticket,
    "aftersales:ticket_shipment": a_ticket,
    "aftersales:ticket_action": lambda user: {**a_ticket(user), "name": "submit"},
    "aftersales:attachment": an_attachment,
    **{f"reports:view_{page}": own_saved_view for page in ("detail", "edit", "copy", "delete", "pin", "unpin")},
    "portal:view_as": lambda user: {"supplier_pk": SupplierFactory().pk},
    "portal:dropship_detail": lambda user: {"pk": a_shipment("drop_ship").pk},
    "portal:accept": {"token": "no-such-invitation"},
    "portal:ticket_detail": a_ticket,
    "portal:attachment": an_attachment,
    "portal:dispatch_import_preview": {"token": "no-such-import"},
    "portal:staff_supplier_users": a(SupplierFactory),
    "portal:staff_user_deactivate": lambda user: {"pk": SupplierFactory().pk, "user_pk": 1},
    "portal:staff_invitation_resend": {"pk": 1},
    **{f"reconciliation:{action}": lambda user: {"pk": empty_statement().pk, "line": 1}
       for action in ("dispute_adjust", "dispute_explain")},
    "reconciliation:statement_message": a(empty_statement),
    **{f"portal:statement_{page}": lambda user: {"pk": own_approved_statement(user).pk}
       for page in ("detail", "pdf", "confirm", "dispute", "message")},
}

SKIPPED_PREFIXES = ("admin/", "api/", "static/")


def walk(patterns=None, prefix="", namespace=""):
    """Yield (qualified url name, route) for every pattern of the project outside SKIPPED_PREFIXES."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern).removeprefix("^")  # a re_path reads like its path()
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else None), route


def project_pages():
    pages = {}
    for name, route in walk():
        pages.setdefault(name, route)
    return pages


def expected_status(rule, who):
    if isinstance(rule, dict):
        return rule[who], None
    if not isinstance(rule, Opens):
        rule = Opens(frozenset(rule))
    if who in rule.who:
        return rule.status, None
    if who == ANONYMOUS:
        return 302, reverse(settings.LOGIN_URL)
    if who == SUPPLIER:
        return 302, reverse("portal:home")
    return 403, None


def test_every_page_has_a_row_in_the_table():
    pages = project_pages()
    assert None not in pages, f"give every URL pattern a name: {pages.get(None)}"
    missing = sorted(set(pages) - set(EXPECTED))
    assert not missing, (
        "URL names without a row in tests/accounts/test_url_walk.py EXPECTED (who may open them?): "
        + ", ".join(f"{name} (/{pages[name]})" for name in missing)
    )


def test_the_table_names_only_pages_that_exist():
    stale = sorted(set(EXPECTED) - set(project_pages()))
    assert not stale, f"EXPECTED rows for URL names that no longer exist: {stale}"
    stale_args = sorted(set(ARGS) - set(project_pages()))
    assert not stale_args, f"ARGS rows for URL names that no longer exist: {stale_args}"


def test_every_visitor_is_in_every_explicit_row():
    incomplete = {name: sorted(EVERYONE - set(rule)) for name, rule in EXPECTED.items()
                  if isinstance(rule, dict) and set(rule) != EVERYONE}
    assert not incomplete, f"explicit rows must give a status for every visitor: {incomplete}"


@pytest.fixture
def visitor_client(client, make_user):
    def login_as(who):
        if who == ANONYMOUS:
            return client, AnonymousUser()
        if who == SUPERUSER:
            user = make_user(username="root", is_superuser=True, is_staff=True)
        else:
            user = make_user(who, username=f"just-{who}")
            if who == SUPPLIER:
                SupplierFactory().portal_users.add(user)  # a supplier login is tied to its supplier
        client.force_login(user)
        return client, user

    return login_as


@pytest.mark.parametrize("who", VISITORS)
def test_each_visitor_gets_the_intended_answer_on_every_page(visitor_client, who):
    client, user = visitor_client(who)
    mismatches = []
    for name in sorted(n for n in project_pages() if n in EXPECTED):
        kwargs = ARGS.get(name)
        url = reverse(name, kwargs=kwargs(user) if callable(kwargs) else kwargs)
        want_status, want_location = expected_status(EXPECTED[name], who)
        try:
            response = client.get(url)
        except Exception as exc:  # a crash is a mismatch too; report it with the others
            mismatches.append(f"{name} {url}: expected {want_status}, raised {exc!r}")
            continue
        got = response.status_code
        location = response.headers.get("Location", "")
        if got != want_status:
            mismatches.append(f"{name} {url}: expected {want_status}, got {got} {location}".rstrip())
        elif want_location and not location.startswith(want_location):
            mismatches.append(f"{name} {url}: expected a redirect to {want_location}, got one to {location}")
    assert not mismatches, f"as {who}:\n  " + "\n  ".join(mismatches)


@pytest.mark.parametrize("who", [ANONYMOUS, *sorted(INTERNAL_ROLES), SUPPLIER])
def test_the_admin_sends_everybody_but_staff_to_its_own_login(visitor_client, who):
    client, _user = visitor_client(who)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_the_admin_opens_for_a_superuser(visitor_client):
    client, _user = visitor_client(SUPERUSER)
    assert client.get(reverse("admin:index")).status_code == 200
