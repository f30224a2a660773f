"""Roles are Django groups. Who may run a transition is a permission named after it, granted to groups
by default here (DESIGN.md, "People"); an administrator may change grants in the admin afterwards.

Each app that introduces permissions grants its defaults in a data migration calling
`grant_default_permissions`, so a later migrate never undoes what an administrator changed."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SALES = "sales", _("Sales")
    APPROVER = "approver", _("Approver")
    WAREHOUSE = "warehouse", _("Warehouse")
    FINANCE = "finance", _("Finance")
    FINANCE_SUPERVISOR = "finance_supervisor", _("Finance supervisor")
    MANAGER = "manager", _("Manager")
    SUPPLIER = "supplier", _("Supplier")


INTERNAL_ROLES = frozenset(r.value for r in Role if r != Role.SUPPLIER)

# Default grants per app: {app_label: {role: [codename, ...]}}. Master data is readable by every
# internal role (they pick stores, products, carriers in forms) and maintained by managers.
CATALOG_MODELS = ["store", "supplier", "product", "warehouse", "carrier"]
DEFAULT_GRANTS = {
    "catalog": {
        **{role: [f"view_{m}" for m in CATALOG_MODELS] for role in INTERNAL_ROLES},
        Role.MANAGER.value: [f"{verb}_{m}" for m in CATALOG_MODELS for verb in ("view", "add", "change")],
    },
    # Orders: sales takes them in (form, import, API), may cancel them and close them short; others read them.
    "orders": {
        Role.SALES.value: ["view_order", "add_order", "cancel_order", "close_order_short", "view_invoice"],
        **{role.value: ["view_order"] for role in (Role.APPROVER, Role.WAREHOUSE)},
        # Invoices: finance records VAT invoices and issues commercial ones; sales and managers read them.
        Role.FINANCE.value: ["view_order", "view_invoice", "add_invoice", "record_invoice"],
        Role.MANAGER.value: ["view_order", "view_invoice"],
    },
    # Stock: warehouse posts receipts, stocktakes and transfers; managers read everything; sales and
    # approvers see balances (availability decides company dispatches).
    "inventory": {
        Role.WAREHOUSE.value: [
            "view_stockbalance", "view_stockledgerentry", "view_stockreservation",
            *[f"{verb}_{doc}" for doc in ("goodsreceipt", "stocktake", "transfer")
              for verb in ("view", "add", "post")],
        ],
        Role.MANAGER.value: ["view_stockbalance", "view_stockledgerentry", "view_stockreservation",
                             "view_goodsreceipt", "view_stocktake", "view_transfer"],
        Role.SALES.value: ["view_stockbalance"],
        Role.APPROVER.value: ["view_stockbalance"],
    },
    # Shipments (DESIGN.md's table): sales enters, submits, dispatches drop-ships, cancels before
    # approval; approvers approve/reject (never their own entry — enforced in the model's permission
    # check) and cancel after approval; warehouse picks and dispatches company dispatches; sales and
    # warehouse mark delivered/received.
    "shipments": {
        Role.SALES.value: ["view_shipment", "add_shipment", "submit_shipment", "reopen_shipment",
                           "dispatch_dropship_shipment", "mark_delivered_shipment", "mark_received_shipment",
                           "cancel_shipment"],
        Role.APPROVER.value: ["view_shipment", "approve_shipment", "reject_shipment", "cancel_approved_shipment"],
        Role.WAREHOUSE.value: ["view_shipment", "start_picking_shipment", "dispatch_shipment",
                               "mark_delivered_shipment", "mark_received_shipment"],
        **{role.value: ["view_shipment"] for role in (Role.FINANCE, Role.MANAGER)},
    },
    # After-sales tickets (DESIGN.md's table): sales registers, submits, confirms returns that go back to
    # the manufacturer, resolves and closes (its own tickets as handler); approvers approve/reject (never
    # the registrant: the model's permission check) and may resolve/close any ticket; warehouse confirms
    # returns received in a warehouse. Everyone working tickets writes notes.
    "aftersales": {
        Role.SALES.value: ["view_ticket", "add_ticket", "change_ticket", "submit_ticket", "await_return_ticket",
                           "receive_manufacturer_return_ticket", "resolve_ticket", "close_ticket",
                           "assign_ticket", "view_ticketnote", "add_ticketnote", "view_ticketattachment"],
        Role.APPROVER.value: ["view_ticket", "approve_ticket", "reject_ticket", "await_return_ticket",
                              "resolve_ticket", "close_ticket", "assign_ticket", "view_ticketnote",
                              "add_ticketnote", "view_ticketattachment"],
        Role.WAREHOUSE.value: ["view_ticket", "receive_return_ticket", "view_ticketnote", "add_ticketnote",
                               "view_ticketattachment"],
        **{role.value: ["view_ticket", "view_ticketnote", "view_ticketattachment"]
           for role in (Role.FINANCE, Role.MANAGER)},
    },
    # Supplier account: finance (and its supervisor) and managers read the entries; services post them.
    # Statements: finance builds, submits, voids, records supplier confirmation and payments; the finance
    # supervisor approves / rejects (never a statement they built: checked by the service).
    "reconciliation": {
        **{role.value: ["view_supplieraccountentry", "view_statement", "view_statementpayment"]
           for role in (Role.FINANCE_SUPERVISOR, Role.MANAGER)},
        Role.FINANCE.value: ["view_supplieraccountentry", "view_statement", "view_statementpayment",
                             "build_statement", "submit_statement", "void_statement", "confirm_statement",
                             "pay_statement"],
        Role.FINANCE_SUPERVISOR.value: ["view_supplieraccountentry", "view_statement", "view_statementpayment",
                                        "approve_statement", "reject_statement"],
    },
}


def grant_default_permissions(apps, app_label):
    """For data migrations: make sure the app's permissions exist, then grant the defaults.

    Permissions are normally created after migrate (post_migrate), too late for a data migration, so
    they are created here from the historical models' Meta. A codename whose model does not exist yet
    in the historical state (an earlier migration of the app) is left for the app's later grant
    migration."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    app_config = apps.get_app_config(app_label)
    by_codename = {}
    for model in app_config.get_models():
        opts = model._meta
        content_type, _created = ContentType.objects.get_or_create(
            app_label=opts.app_label, model=opts.model_name
        )
        wanted = [(f"{action}_{opts.model_name}", f"Can {action} {opts.verbose_name_raw}")
                  for action in opts.default_permissions]
        wanted += list(opts.permissions)
        for codename, name in wanted:
            perm, _created = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": str(name)[:255]}
            )
            by_codename[codename] = perm
    for role, codenames in DEFAULT_GRANTS.get(app_label, {}).items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.add(*(by_codename[c] for c in codenames if c in by_codename))
