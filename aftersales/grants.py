"""Default grants of after-sales tickets (DESIGN.md, "People"): {group name: [permission codename, ...]}.

Groups are named by the role's value (accounts.roles.Role), so this app needs nothing of accounts; the
data migrations grant them through accounts.grants.grant_default_permissions, which reads this module by
the app's label. An administrator may change grants in the admin afterwards."""

# Sales registers, submits, confirms returns that go back to the manufacturer, resolves and closes (its own
# tickets as handler); approvers approve/reject (never the registrant: the model's permission check) and may
# resolve/close any ticket; warehouse confirms returns received in a warehouse. Everyone working tickets
# writes notes.
DEFAULT_GRANTS = {
    "sales": ["view_ticket", "add_ticket", "change_ticket", "submit_ticket", "await_return_ticket",
              "receive_manufacturer_return_ticket", "resolve_ticket", "close_ticket", "assign_ticket",
              "view_ticketnote", "add_ticketnote", "view_ticketattachment"],
    "approver": ["view_ticket", "approve_ticket", "reject_ticket", "await_return_ticket", "resolve_ticket",
                 "close_ticket", "assign_ticket", "view_ticketnote", "add_ticketnote", "view_ticketattachment"],
    "warehouse": ["view_ticket", "receive_return_ticket", "view_ticketnote", "add_ticketnote",
                  "view_ticketattachment"],
    "finance": ["view_ticket", "view_ticketnote", "view_ticketattachment"],
    "manager": ["view_ticket", "view_ticketnote", "view_ticketattachment"],
    # A supplier's portal users answer the tickets it bears (only there: internal pages and the internal API
    # refuse supplier logins; the portal's selectors give them their own supplier's tickets only).
    "supplier": ["add_ticketnote"],
}
