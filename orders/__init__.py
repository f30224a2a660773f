"""Orders from the online stores, and customer invoices."""
