"""Percentiles of a duration over a queryset's rows, in hours.

PostgreSQL computes them in the database (the ordered-set aggregate percentile_cont). SQLite has no such
aggregate, so there the durations are read in order (one query, one column) and interpolated the way
percentile_cont does; both branches live here, side by side, and tests/reports/test_stats.py checks that
they agree."""

import math

from django.db import connections, models
from django.db.models import Aggregate
from django.db.models.functions import Extract


class PercentileCont(Aggregate):
    """percentile_cont(fraction) WITHIN GROUP (ORDER BY expression) — PostgreSQL only."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = models.FloatField()

    def __init__(self, expression, fraction, **extra):
        fraction = float(fraction)
        if not 0 <= fraction <= 1:
            raise ValueError("a percentile is a fraction between 0 and 1")
        super().__init__(expression, fraction=repr(fraction), **extra)


def interpolate(sorted_values, fraction):
    """percentile_cont over an ascending list: linear between the two closest ranks (None when empty)."""
    if not sorted_values:
        return None
    position = fraction * (len(sorted_values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


def duration_percentiles(queryset, duration, fractions=(0.5, 0.9)):
    """[hours or None] of `duration` (a DurationField expression over the queryset's rows) at each fraction."""
    if connections[queryset.db].vendor == "postgresql":
        seconds = Extract(duration, "epoch")
        result = queryset.order_by().aggregate(
            **{f"p{i}": PercentileCont(seconds, fraction) for i, fraction in enumerate(fractions)})
        values = [result[f"p{i}"] for i in range(len(fractions))]
        return [None if v is None else round(v / 3600, 2) for v in values]
    ordered = [d.total_seconds() / 3600 for d in queryset.annotate(_duration=duration).order_by("_duration")
               .values_list("_duration", flat=True) if d is not None]
    return [None if v is None else round(v, 2) for v in (interpolate(ordered, f) for f in fractions)]
