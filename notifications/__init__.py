"""Notification inbox and its delivery (in-app, e-mail) through Celery. A separate app because every domain app notifies people and none of them owns the outbox."""
