"""Stock balances, reservations and the append-only stock ledger."""
