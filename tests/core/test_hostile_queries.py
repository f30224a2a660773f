"""Every page without arguments in the URL configuration (admin and API aside), opened by an administrator with a
query string a hostile client would send — ids of "²" or beyond 64 bits, a NUL byte, numbers of 1e122 — answers
without a server error: a bad id is no record, a bad filter is a filter error."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import UserFactory
from tests.shipments.factories import a_shipment

pytestmark = pytest.mark.django_db

SKIP_NAMESPACES = {"admin", "api"}
HOSTILE = {
    "²": ["order", "ticket", "store", "supplier", "warehouse", "carrier", "statement", "page", "product", "kind"],
    "99999999999999999999999": ["order", "ticket", "store", "statement", "page", "per_page", "waiting_hours"],
    "1e122": ["waiting_hours", "page", "per_page", "amount", "list_price_min"],
    "a\x00b": ["q", "order", "next", "show", "layout", "platform", "format"],
}


def _pages(resolver=None, namespace=""):
    found = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIP_NAMESPACES or str(pattern.pattern).startswith("api/"):
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += _pages(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.regex.groups:
            found.append(f"{namespace}{pattern.name}")
    return found


PAGES = sorted(set(_pages()) - {"logout", "accounts:logout", "set_language"})


def test_the_walk_finds_the_pages():
    assert {"orders:order_list", "aftersales:ticket_create", "shipments:shipment_create"} <= set(PAGES)


@pytest.mark.parametrize("name", PAGES)
def test_a_hostile_query_string_never_answers_500(client, name):
    a_shipment()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    url = reverse(name)
    for value, keys in HOSTILE.items():
        response = client.get(url, dict.fromkeys(keys, value))
        assert response.status_code < 500, (name, value[:20], response.status_code)
