from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReconciliationConfig(AppConfig):
    name = "reconciliation"
    verbose_name = _("Reconciliation")

    def ready(self):
        # The "statement" PDF document kind (core.pdf jobs, rendered by the worker).
        from .documents import register

        register()
