"""Default grants of orders and invoices (DESIGN.md, "People"): {group name: [permission codename, ...]}.

Groups are named by the role's value (accounts.roles.Role), so this app needs nothing of accounts; the
data migrations grant them through accounts.grants.grant_default_permissions, which reads this module by
the app's label. An administrator may change grants in the admin afterwards."""

# Orders: sales takes them in (form, import, API), may cancel them and close them short; others read them.
# Invoices: finance records VAT invoices and issues commercial ones; sales and managers read them.
DEFAULT_GRANTS = {
    "sales": ["view_order", "add_order", "cancel_order", "close_order_short", "view_invoice"],
    "approver": ["view_order"],
    "warehouse": ["view_order"],
    "finance": ["view_order", "view_invoice", "add_invoice", "record_invoice"],
    "manager": ["view_order", "view_invoice"],
}
