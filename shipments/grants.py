"""Default grants of shipments (DESIGN.md, "People"): {group name: [permission codename, ...]}.

Groups are named by the role's value (accounts.roles.Role), so this app needs nothing of accounts; the
data migrations grant them through accounts.grants.grant_default_permissions, which reads this module by
the app's label. An administrator may change grants in the admin afterwards."""

# Sales enters, submits, dispatches drop-ships, cancels before approval; approvers approve/reject (never
# their own entry — enforced in the model's permission check) and cancel after approval; warehouse picks
# and dispatches company dispatches; sales and warehouse mark delivered/received.
DEFAULT_GRANTS = {
    "sales": ["view_shipment", "add_shipment", "submit_shipment", "reopen_shipment", "dispatch_dropship_shipment",
              "mark_delivered_shipment", "mark_received_shipment", "cancel_shipment"],
    "approver": ["view_shipment", "approve_shipment", "reject_shipment", "cancel_approved_shipment"],
    "warehouse": ["view_shipment", "start_picking_shipment", "dispatch_shipment", "mark_delivered_shipment",
                  "mark_received_shipment"],
    "finance": ["view_shipment"],
    "manager": ["view_shipment"],
    # A supplier's portal users dispatch its drop-ships (DESIGN.md, "People"). Only the portal offers them
    # that: internal pages and the internal API refuse every supplier login, and the portal's selectors
    # hand them their own supplier's shipments only.
    "supplier": ["dispatch_dropship_shipment"],
}
