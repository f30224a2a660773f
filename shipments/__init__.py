"""Shipments (drop-ship and company dispatch), their approval and dispatch notes."""
