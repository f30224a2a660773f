"""After-sales tickets: returns, exchanges, reships, compensation, notes thread."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftersalesConfig(AppConfig):
    name = "aftersales"
    verbose_name = _("After-sales")

    def ready(self):
        from . import receivers  # noqa: F401  (resolves exchange/reship tickets on their shipment's dispatch)
