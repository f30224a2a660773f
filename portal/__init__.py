"""The supplier portal 供应商门户 (DESIGN.md, "Supplier portal"): the separate, simple site a supplier's own
logins use to dispatch their drop-ships, answer after-sales tickets and reconcile their statements.

It is its own app on the top floor (beside reports) because it reads every lower app's selectors and calls
their services from the supplier's side, and because every query here must start from the user's supplier
(portal.selectors.supplier_of): keeping that rule in one app, which nothing imports, makes it checkable."""
