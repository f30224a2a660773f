"""Shipments (drop-ship and company dispatch), their approval and dispatch notes."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShipmentsConfig(AppConfig):
    name = "shipments"
    verbose_name = _("Shipments")

    def ready(self):
        # The "dispatch_notes" PDF document kind (core.pdf jobs, rendered by the worker).
        from .dispatch_notes import register

        register()
