"""Default grants of the portal's internal side (DESIGN.md, "People"): finance invites and deactivates
supplier users; finance and managers may look at the portal as a given supplier (read-only)."""

DEFAULT_GRANTS = {
    "finance": ["invite_supplier_user", "view_as_supplier", "view_invitation"],
    "manager": ["view_as_supplier"],
}
