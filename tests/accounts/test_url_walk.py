"""Every page of the project, opened by every kind of visitor: the answer must be the one this table
intends. The walk reads the URL configuration itself, so a new page without a row here fails the test
(add the row in the same change as the URL: DESIGN.md says who may open what).

Who: anonymous, a user holding just one role (each of accounts.roles.Role), and a superuser.

A row is either
- a set of who may open the page. Those get 200; everybody else gets the middleware's answer:
  anonymous → redirect to the login page, a supplier login → redirect to the supplier home,
  any other logged-in user → 403;
- or a dict {who: status} spelling out every visitor, for pages whose normal answer is not 200
  (redirecting views: the root, the login page once logged in; logout only accepts POST).

Left out of the walk: `admin:` (it guards itself: tested below), `/api/` (token auth, tested by the
API tests) and `/static/`. Patterns that need arguments get them from ARGS (name → factory of kwargs)."""

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.roles import INTERNAL_ROLES, Role
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
SUPERUSER = "superuser"
SUPPLIER = Role.SUPPLIER.value
MANAGER = Role.MANAGER.value
VISITORS = [ANONYMOUS, *sorted(INTERNAL_ROLES), SUPPLIER, SUPERUSER]

INTERNAL = frozenset(INTERNAL_ROLES) | {SUPERUSER}       # every internal role (and the administrator)
LOGGED_IN = INTERNAL | {SUPPLIER}
EVERYONE = LOGGED_IN | {ANONYMOUS}
MASTER_DATA_EDITORS = frozenset({MANAGER, SUPERUSER})    # catalog add/change is granted to managers


def everyone(status):
    return dict.fromkeys(EVERYONE, status)


EXPECTED = {
    # accounts
    "accounts:root": everyone(302),  # sends each visitor to its own home (or the login page)
    "accounts:login": {ANONYMOUS: 200, **dict.fromkeys(LOGGED_IN, 302)},  # logged in: on to home
    "accounts:logout": everyone(405),  # POST only (Django 5): a link cannot log anybody out
    "accounts:home": INTERNAL,
    "accounts:supplier_home": {SUPPLIER},
    # Django's language switcher: exempt from the access middleware; a GET just redirects back.
    "set_language": everyone(302),
    # notifications: every internal user has an inbox; the actions are POST only (GET → 405).
    "notifications:inbox": INTERNAL,
    "notifications:badge": INTERNAL,
    "notifications:mark_all_read": {ANONYMOUS: 302, SUPPLIER: 302, **dict.fromkeys(INTERNAL, 405)},
    "notifications:mark_read": {ANONYMOUS: 302, SUPPLIER: 302, **dict.fromkeys(INTERNAL, 405)},
    "notifications:open": {ANONYMOUS: 302, SUPPLIER: 302, **dict.fromkeys(INTERNAL, 405)},
}

# name → callable returning the reverse() kwargs (it may create the objects it points at).
ARGS = {
    "notifications:mark_read": lambda: {"pk": NotificationFactory().pk},
    "notifications:open": lambda: {"pk": NotificationFactory().pk},
}

SKIPPED_PREFIXES = ("admin/", "api/", "static/")


def walk(patterns=None, prefix="", namespace=""):
    """Yield (qualified url name, route) for every pattern of the project outside SKIPPED_PREFIXES."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(SKIPPED_PREFIXES):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else None), route


def project_pages():
    pages = {}
    for name, route in walk():
        pages.setdefault(name, route)
    return pages


def expected_status(rule, who):
    if isinstance(rule, dict):
        return rule[who], None
    if who in rule:
        return 200, None
    if who == ANONYMOUS:
        return 302, reverse(settings.LOGIN_URL)
    if who == SUPPLIER:
        return 302, reverse("accounts:supplier_home")
    return 403, None


def test_every_page_has_a_row_in_the_table():
    pages = project_pages()
    assert None not in pages, f"give every URL pattern a name: {pages.get(None)}"
    missing = sorted(set(pages) - set(EXPECTED))
    assert not missing, (
        "URL names without a row in tests/accounts/test_url_walk.py EXPECTED (who may open them?): "
        + ", ".join(f"{name} (/{pages[name]})" for name in missing)
    )


def test_the_table_names_only_pages_that_exist():
    stale = sorted(set(EXPECTED) - set(project_pages()))
    assert not stale, f"EXPECTED rows for URL names that no longer exist: {stale}"
    stale_args = sorted(set(ARGS) - set(project_pages()))
    assert not stale_args, f"ARGS rows for URL names that no longer exist: {stale_args}"


def test_every_visitor_is_in_every_explicit_row():
    incomplete = {name: sorted(EVERYONE - set(rule)) for name, rule in EXPECTED.items()
                  if isinstance(rule, dict) and set(rule) != EVERYONE}
    assert not incomplete, f"explicit rows must give a status for every visitor: {incomplete}"


@pytest.fixture
def visitor_client(client, make_user):
    def login_as(who):
        if who == ANONYMOUS:
            return client, AnonymousUser()
        if who == SUPERUSER:
            user = make_user(username="root", is_superuser=True, is_staff=True)
        else:
            user = make_user(who, username=f"just-{who}")
        client.force_login(user)
        return client, user

    return login_as


@pytest.mark.parametrize("who", VISITORS)
def test_each_visitor_gets_the_intended_answer_on_every_page(visitor_client, who):
    client, _user = visitor_client(who)
    mismatches = []
    for name in sorted(n for n in project_pages() if n in EXPECTED):
        url = reverse(name, kwargs=ARGS[name]() if name in ARGS else None)
        want_status, want_location = expected_status(EXPECTED[name], who)
        try:
            response = client.get(url)
        except Exception as exc:  # a crash is a mismatch too; report it with the others
            mismatches.append(f"{name} {url}: expected {want_status}, raised {exc!r}")
            continue
        got = response.status_code
        location = response.headers.get("Location", "")
        if got != want_status:
            mismatches.append(f"{name} {url}: expected {want_status}, got {got} {location}".rstrip())
        elif want_location and not location.startswith(want_location):
            mismatches.append(f"{name} {url}: expected a redirect to {want_location}, got one to {location}")
    assert not mismatches, f"as {who}:\n  " + "\n  ".join(mismatches)


@pytest.mark.parametrize("who", [ANONYMOUS, *sorted(INTERNAL_ROLES), SUPPLIER])
def test_the_admin_sends_everybody_but_staff_to_its_own_login(visitor_client, who):
    client, _user = visitor_client(who)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_the_admin_opens_for_a_superuser(visitor_client):
    client, _user = visitor_client(SUPERUSER)
    assert client.get(reverse("admin:index")).status_code == 200
