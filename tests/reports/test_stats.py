"""Percentiles of durations: computed by PostgreSQL (percentile_cont) or, on SQLite, from the ordered values;
both must give percentile_cont's answer."""

from datetime import timedelta

import pytest
from django.utils import timezone

from reconciliation.scorecard import order_to_dispatch
from reports.stats import PercentileCont, duration_percentiles, interpolate
from shipments.models import Shipment
from tests.aftersales.factories import dispatch_units
from tests.orders.factories import OrderFactory, OrderLineFactory


def test_interpolate_like_percentile_cont():
    assert interpolate([], 0.5) is None
    assert interpolate([7.0], 0.9) == 7.0
    assert interpolate([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert interpolate([10.0, 20.0, 30.0, 40.0, 50.0], 0.9) == pytest.approx(46.0)
    with pytest.raises(ValueError):
        PercentileCont("id", 1.5)


@pytest.mark.django_db
def test_duration_percentiles_in_the_database():
    now = timezone.now()
    for hours in (2, 4, 6, 8, 40):
        line = OrderLineFactory(order=OrderFactory(ordered_at=now - timedelta(hours=hours)), quantity=1)
        dispatch_units(line, 1)
    median, p90 = duration_percentiles(Shipment.objects.all(), order_to_dispatch())
    assert median == pytest.approx(6, abs=0.02)
    assert p90 == pytest.approx(8 + 0.6 * 32, abs=0.02)  # between the 4th (8 h) and 5th (40 h)
    assert duration_percentiles(Shipment.objects.none(), order_to_dispatch()) == [None, None]
