"""Consign's URLs plus /bench/baseline/: 50 orders in a plain django-tables2 table, rendered by the
library's own template with no navigation, filters or access rules beyond "public" — what a minimal
Django + django-tables2 page of the same data costs on the same server (same settings and middleware;
no session, so no user or permission queries)."""

import django_tables2 as tables
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from config.urls import urlpatterns as consign_urlpatterns
from core.access import Access, access
from orders.models import Order


class BaselineTable(tables.Table):
    # A plain column: django-tables2's DateTimeColumn compiles a template for every cell (~40 ms of CPU
    # for 50 rows), which made the baseline slower than Consign's own lists and the share target empty.
    ordered_at = tables.Column()

    class Meta:
        model = Order
        fields = ("external_order_no", "recipient_name", "ordered_at", "fulfilment_status")
        orderable = False
        template_name = "django_tables2/table.html"


PAGE = engines["django"].from_string(
    "{% load django_tables2 %}<!doctype html><html><body>{% render_table table %}</body></html>")


@access(Access.PUBLIC)
def baseline(request):
    table = BaselineTable(Order.objects.order_by("-ordered_at", "-pk")[:50])
    return HttpResponse(PAGE.render({"table": table}))


urlpatterns = [path("bench/baseline/", baseline, name="bench_baseline"), *consign_urlpatterns]
