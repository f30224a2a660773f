"""Default grants of the dashboards (DESIGN.md, "People" and "Reports"): {group name: [codename, ...]},
granted by the data migration through accounts.grants.grant_default_permissions.

Managers read every dashboard and keep saved views; finance reads reconciliation and the supplier
scorecard (it settles with the suppliers the card rates); warehouse reads inventory."""

DASHBOARDS = ["shipping", "monitoring", "aftersales", "inventory", "reconciliation", "scorecard"]
SAVED_VIEW_PERMISSIONS = ["view_savedview", "add_savedview", "change_savedview", "delete_savedview"]
DEFAULT_GRANTS = {
    "manager": [f"view_{name}_dashboard" for name in DASHBOARDS] + SAVED_VIEW_PERMISSIONS,
    "finance": ["view_reconciliation_dashboard", "view_scorecard_dashboard"],
    "finance_supervisor": ["view_reconciliation_dashboard", "view_scorecard_dashboard"],
    "warehouse": ["view_inventory_dashboard"],
}
