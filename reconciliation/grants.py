"""Default grants of the supplier account and statements (DESIGN.md, "People"): {group name: [permission codename, ...]}.

Groups are named by the role's value (accounts.roles.Role), so this app needs nothing of accounts; the
data migrations grant them through accounts.grants.grant_default_permissions, which reads this module by
the app's label. An administrator may change grants in the admin afterwards."""

# Finance (and its supervisor) and managers read the entries; services post them. Finance builds, submits,
# voids, records supplier confirmation and payments; the finance supervisor approves / rejects (never a
# statement they built: checked by the service); finance answers disputed lines.
READ = ["view_supplieraccountentry", "view_statement", "view_statementpayment", "view_disputedline",
        "view_statementmessage"]
DEFAULT_GRANTS = {
    "manager": READ,
    "finance": [*READ, "build_statement", "submit_statement", "void_statement", "confirm_statement",
                "pay_statement", "answer_dispute"],
    "finance_supervisor": [*READ, "approve_statement", "reject_statement"],
    # A supplier login confirms or disputes only its own supplier's statements (checked by the service).
    "supplier": ["supplier_confirm_statement", "dispute_statement"],
}
