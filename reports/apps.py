from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # The "dashboard" PDF document kind (core.pdf jobs): a dashboard's tables, printable.
        from .dashboard_pdf import register

        register()
