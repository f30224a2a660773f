"""Supplier account ledger and reconciliation statements."""
