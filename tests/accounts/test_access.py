"""The access rules (core/access.py) on tiny views of their own: deny by default, even for a
superuser; declared permissions; internal, supplier and public pages; and a menu that never offers a
page its reader would be refused."""

import pytest
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.auth.models import AnonymousUser, Permission
from django.http import HttpResponse
from django.urls import NoReverseMatch, include, path, reverse
from django.views import View

from accounts.navigation import MENU, MenuEntry, menu_for
from accounts.roles import INTERNAL_ROLES, Role
from core.access import Access, access, requires_permissions, user_may_open

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def ok_view():
    """A fresh function each time: the `access` decorator marks the function it is given."""

    def ok(request, *args, **kwargs):
        return HttpResponse("ok")

    return ok


def undeclared(request):
    return HttpResponse("nobody should read this")


class UndeclaredClassView(View):
    def get(self, request):
        return HttpResponse("nobody should read this")


class StoreListLike(PermissionRequiredMixin, View):
    permission_required = "catalog.view_store"

    def get(self, request):
        return HttpResponse("stores")


class StoreCreateLike(PermissionRequiredMixin, View):
    permission_required = ("catalog.view_store", "catalog.add_store")

    def get(self, request):
        return HttpResponse("new store")


class InternalPage(View):
    access = Access.INTERNAL

    def get(self, request):
        return HttpResponse("internal")


urlpatterns = [
    path("", include("config.urls")),  # the site around them: login, supplier home, menu, switcher
    path("t/undeclared/", undeclared, name="undeclared"),
    path("t/undeclared-class/", UndeclaredClassView.as_view(), name="undeclared_class"),
    path("t/stores/", StoreListLike.as_view(), name="store_list_like"),
    path("t/stores/new/", StoreCreateLike.as_view(), name="store_create_like"),
    path("t/internal/", InternalPage.as_view(), name="internal"),
    path("t/decorated/", requires_permissions("catalog.change_product")(ok_view()), name="decorated"),
    path("t/public/", access(Access.PUBLIC)(ok_view()), name="public"),
    path("t/portal/", access(Access.SUPPLIER)(ok_view()), name="portal"),
    path("media/<path:path>", access(Access.INTERNAL)(ok_view()), name="media_like"),
]


@pytest.fixture
def superuser(make_user):
    return make_user(username="root", is_superuser=True, is_staff=True)


# ---- deny by default ---------------------------------------------------------------------------

@pytest.mark.parametrize("url_name", ["undeclared", "undeclared_class"])
def test_a_view_that_declares_nothing_is_refused_even_to_a_superuser(client, superuser, url_name):
    client.force_login(superuser)
    assert client.get(reverse(url_name)).status_code == 403


@pytest.mark.parametrize("role", sorted(INTERNAL_ROLES))
def test_a_view_that_declares_nothing_is_refused_to_every_internal_role(client, make_user, role):
    client.force_login(make_user(role))
    assert client.get(reverse("undeclared")).status_code == 403


def test_a_view_that_declares_nothing_sends_anonymous_to_login_first(client):
    response = client.get(reverse("undeclared"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


# ---- declared permissions ----------------------------------------------------------------------

def test_a_permission_page_opens_for_every_role_granted_it_and_for_a_superuser(client, make_user, superuser):
    # Master data is readable by every internal role (catalog/grants.py).
    for user in [superuser, *(make_user(role) for role in sorted(INTERNAL_ROLES))]:
        client.force_login(user)
        assert client.get(reverse("store_list_like")).status_code == 200, user.role_names


def test_a_page_needing_two_permissions_refuses_a_role_holding_only_one(client, make_user, superuser):
    client.force_login(make_user(Role.SALES))  # may view stores, not add them
    assert client.get(reverse("store_create_like")).status_code == 403
    client.force_login(make_user(Role.MANAGER))
    assert client.get(reverse("store_create_like")).status_code == 200
    client.force_login(superuser)
    assert client.get(reverse("store_create_like")).status_code == 200


def test_the_decorator_declares_its_permission_to_the_middleware(client, make_user):
    client.force_login(make_user(Role.WAREHOUSE))
    assert client.get(reverse("decorated")).status_code == 403
    client.force_login(make_user(Role.MANAGER))
    assert client.get(reverse("decorated")).status_code == 200


def test_a_logged_in_person_without_any_role_opens_no_internal_page(client, make_user):
    client.force_login(make_user(username="newcomer"))
    for name in ("internal", "store_list_like", "portal", "reports:home"):
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get(reverse("public")).status_code == 200


# ---- suppliers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("url_name", ["undeclared", "internal", "store_list_like", "decorated"])
def test_a_supplier_is_sent_to_its_own_corner_from_every_internal_page(client, make_user, url_name):
    client.force_login(make_user(Role.SUPPLIER))
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response.url == reverse("portal:home")


def test_a_supplier_granted_a_permission_by_mistake_still_sees_nothing_internal(client, make_user):
    supplier = make_user(Role.SUPPLIER)
    supplier.user_permissions.add(Permission.objects.get(codename="view_store"))
    supplier = type(supplier).objects.get(pk=supplier.pk)  # fresh permission cache
    assert supplier.has_perm("catalog.view_store")

    client.force_login(supplier)
    assert client.get(reverse("store_list_like")).url == reverse("portal:home")


def test_a_supplier_page_opens_only_for_suppliers(client, make_user, superuser):
    client.force_login(make_user(Role.SUPPLIER))
    assert client.get(reverse("portal")).status_code == 200
    for user in (make_user(Role.MANAGER), superuser):
        client.force_login(user)
        assert client.get(reverse("portal")).status_code == 403
    # A person holding an internal role and the supplier role is internal: no portal.
    client.force_login(make_user(Role.SALES, Role.SUPPLIER))
    assert client.get(reverse("portal")).status_code == 403
    assert client.get(reverse("internal")).status_code == 200


def test_a_public_page_opens_for_everybody(client, make_user):
    assert client.get(reverse("public")).status_code == 200
    for role in (Role.SUPPLIER, Role.SALES):
        client.force_login(make_user(role))
        assert client.get(reverse("public")).status_code == 200


# ---- the menu ----------------------------------------------------------------------------------

TEST_MENU = [
    MenuEntry("Work", "Internal", "internal"),
    MenuEntry("Master data", "Stores", "store_list_like"),
    MenuEntry("Master data", "New store", "store_create_like"),
    MenuEntry("Master data", "Products", "decorated"),
    MenuEntry("Master data", "Not built yet", "no_such_page"),
    MenuEntry("Hidden", "Undeclared", "undeclared"),
]


def labels(menu):
    return {str(label) for _section, entries in menu for label, _url in entries}


def test_the_menu_shows_each_role_only_what_it_may_open(monkeypatch, make_user, superuser):
    monkeypatch.setattr("accounts.navigation.MENU", TEST_MENU)

    assert labels(menu_for(make_user(Role.SALES))) == {"Internal", "Stores"}
    assert labels(menu_for(make_user(Role.MANAGER))) == {"Internal", "Stores", "New store", "Products"}
    assert labels(menu_for(superuser)) == {"Internal", "Stores", "New store", "Products"}  # not undeclared
    assert menu_for(make_user(Role.SUPPLIER)) == []
    assert menu_for(make_user(username="newcomer")) == []


def test_the_menu_keeps_its_sections_in_order(monkeypatch, make_user):
    monkeypatch.setattr("accounts.navigation.MENU", TEST_MENU)
    menu = menu_for(make_user(Role.MANAGER))
    assert [section for section, _entries in menu] == ["Work", "Master data"]
    assert [str(label) for label, _url in menu[1][1]] == ["Stores", "New store", "Products"]


@pytest.mark.urls("config.urls")
@pytest.mark.parametrize("role", [*sorted(INTERNAL_ROLES), Role.SUPPLIER.value, "superuser"])
def test_every_entry_of_the_real_menu_opens_for_whoever_sees_it(client, make_user, superuser, role):
    user = superuser if role == "superuser" else make_user(role)
    client.force_login(user)
    menu = menu_for(user)
    for _section, entries in menu:
        for label, url in entries:
            assert client.get(url).status_code == 200, f"{role} sees {label} ({url}) but cannot open it"
    # And the menu leaves out nothing that exists and would open.
    shown = {url for _section, entries in menu for _label, url in entries}
    for entry in MENU:
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:  # an entry whose page is not built yet
            continue
        if url not in shown:
            assert client.get(url).status_code != 200, f"{role} may open {url} but the menu hides it"


def test_anonymous_may_open_only_public_pages():
    assert user_may_open(AnonymousUser(), access(Access.PUBLIC)(ok_view()))
    assert not user_may_open(AnonymousUser(), InternalPage.as_view())
    assert not user_may_open(AnonymousUser(), undeclared)


def test_a_refusal_is_a_page_of_the_site_that_says_why(client, make_user):
    client.force_login(make_user(Role.SALES))
    refused = client.get(reverse("store_create_like"))
    assert refused.status_code == 403
    assert b'id="access-denied"' in refused.content and b'id="current-user"' in refused.content

    client.force_login(make_user(username="newcomer"))
    refused = client.get(reverse("reports:home"))  # where login sends everybody internal
    assert refused.status_code == 403
    assert b'id="no-role"' in refused.content


def test_permissions_declared_on_a_page_marked_internal_still_count(make_user):
    class InternalButGuarded(View):
        access = Access.INTERNAL
        permission_required = "catalog.add_store"

    view = InternalButGuarded.as_view()
    assert not user_may_open(make_user(Role.SALES), view)
    assert user_may_open(make_user(Role.MANAGER), view)


def test_uploaded_files_are_not_exempt_from_the_access_rules(client, make_user):
    # In development /media/ is served by a view marked INTERNAL (config/urls.py): that mark must count.
    response = client.get("/media/invoices/2026/inv-1.pdf")
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    client.force_login(make_user(Role.SUPPLIER))
    assert client.get("/media/invoices/2026/inv-1.pdf").url == reverse("portal:home")
    client.force_login(make_user(Role.FINANCE))
    assert client.get("/media/invoices/2026/inv-1.pdf").content == b"ok"
