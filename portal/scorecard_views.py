"""The supplier's own scorecard 供应商评分 in its portal: the same figures as the seller's scorecard
dashboard (one selector, reconciliation.scorecard.supplier_scorecard, read for `self.supplier` only) over
the last 7, 30 or 90 days."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reconciliation.scorecard import supplier_scorecard

from .views import PortalView

PERIODS = {7: _("Last 7 days"), 30: _("Last 30 days"), 90: _("Last 90 days")}
DEFAULT_DAYS = 30


class ScorecardView(PortalView):
    template_name = "portal/scorecard.html"

    def get_context_data(self, **kwargs):
        try:
            days = int(self.request.GET.get("days", DEFAULT_DAYS))
        except ValueError:
            days = DEFAULT_DAYS
        if days not in PERIODS:
            days = DEFAULT_DAYS  # an unknown period falls back to the default, never a 500
        date_to = timezone.localdate()
        date_from = date_to - datetime.timedelta(days=days - 1)
        [card] = supplier_scorecard(self.supplier, date_from=date_from, date_to=date_to)
        return super().get_context_data(card=card, days=days, periods=PERIODS.items(), date_from=date_from,
                                        date_to=date_to, **kwargs)
