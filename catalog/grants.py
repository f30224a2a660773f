"""Default grants of master data (DESIGN.md, "People"): {group name: [permission codename, ...]}.

Groups are named by the role's value (accounts.roles.Role), so this app needs nothing of accounts; the
data migrations grant them through accounts.grants.grant_default_permissions, which reads this module by
the app's label. An administrator may change grants in the admin afterwards."""

# Master data is readable by every internal role (they pick stores, products, carriers in forms) and
# maintained by managers.
INTERNAL_GROUPS = ("sales", "approver", "warehouse", "finance", "finance_supervisor", "manager")
CATALOG_MODELS = ["store", "supplier", "product", "warehouse", "carrier"]
DEFAULT_GRANTS = {
    **{group: [f"view_{m}" for m in CATALOG_MODELS] for group in INTERNAL_GROUPS},
    "manager": [f"{verb}_{m}" for m in CATALOG_MODELS for verb in ("view", "add", "change")],
}
