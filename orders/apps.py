from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self):
        # The "commercial_invoice" PDF document kind (core.pdf jobs) and the receiver storing its file.
        from .invoices import register

        register()
