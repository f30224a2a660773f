"""Default grants of stock (DESIGN.md, "People"): {group name: [permission codename, ...]}.

Groups are named by the role's value (accounts.roles.Role), so this app needs nothing of accounts; the
data migrations grant them through accounts.grants.grant_default_permissions, which reads this module by
the app's label. An administrator may change grants in the admin afterwards."""

# Warehouse posts receipts, stocktakes and transfers; managers read everything; sales and approvers see
# balances (availability decides company dispatches).
DEFAULT_GRANTS = {
    "warehouse": [
        "view_stockbalance", "view_stockledgerentry", "view_stockreservation",
        *[f"{verb}_{doc}" for doc in ("goodsreceipt", "stocktake", "transfer") for verb in ("view", "add", "post")],
    ],
    "manager": ["view_stockbalance", "view_stockledgerentry", "view_stockreservation",
                "view_goodsreceipt", "view_stocktake", "view_transfer"],
    "sales": ["view_stockbalance"],
    "approver": ["view_stockbalance"],
}
