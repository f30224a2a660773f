"""Report dashboards (a later issue)."""
