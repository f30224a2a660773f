"""Saved views 自定义报表: a manager builds one with pickers, it renders from the registry (chart, table,
links), is shared with roles, pinned to the home page, copied, edited and deleted; another role's view is
not found; names outside the registry are refused; a view over figures a role's dashboards hide is not
found by that role, shared or not."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import TransitionLog
from reports import saved_views
from reports.models import Pin, SavedView
from reports.saved_views import ViewData
from tests.factories import StoreFactory
from tests.orders.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(make_user):
    return make_user("manager", username="mona")


@pytest.fixture
def orders():
    """Store A: two orders (3 and 1 units), store B: one order (2 units), all today."""
    a, b = StoreFactory(name="Store A"), StoreFactory(name="Store B")
    for store, quantity in ((a, 3), (a, 1), (b, 2)):
        OrderLineFactory(order=OrderFactory(store=store, ordered_at=timezone.now() - timedelta(hours=1)),
                         quantity=quantity, unit_price=Decimal("10.00"))
    return a, b


def grant(user, codename):
    """The user with one more permission (fetched again: Django caches a user's permissions)."""
    user.user_permissions.add(Permission.objects.get(content_type__app_label="reports", codename=codename))
    return type(user).objects.get(pk=user.pk)


def reads_orders(user):
    """Orders views read like the shipping dashboard, which sales does not hold by default."""
    return grant(user, "view_shipping_dashboard")


def orders_by_store(**kwargs):
    return ViewData(**{"name": "Orders by store", "dataset": "orders", "dimensions": ["store"],
                       "measures": ["orders", "units"], "filters": {"period": "last_7"}, **kwargs})


def test_a_manager_builds_a_view_through_the_pages_and_it_renders(client, manager, orders):
    store_a, _store_b = orders
    client.force_login(manager)
    form = client.get(reverse("reports:view_create"), {"dataset": "orders"})
    assert form.status_code == 200
    assert set(dict(form.context["form"].fields["dimensions"].choices)) == {"day", "week", "month", "store", "status"}
    response = client.post(reverse("reports:view_create"), {
        "dataset": "orders", "name": "Orders by store", "title": "订单 per store", "dimensions": ["store"],
        "measures": ["orders", "units"], "chart_type": "bar", "theme": "macarons", "roles": ["sales"],
        "f-period": "last_7",
    })
    view = SavedView.objects.get()
    assert response.status_code == 302 and response["Location"] == view.get_absolute_url()
    assert (view.owner, view.dataset, view.dimensions, view.measures) == (manager, "orders", ["store"],
                                                                          ["orders", "units"])
    assert view.filters == {"period": "last_7"} and view.theme == "macarons"
    assert [g.name for g in view.shared_with.all()] == ["sales"]
    assert TransitionLog.objects.filter(object_id=str(view.pk), transition="create").count() == 1

    page = client.get(view.get_absolute_url())
    assert page.status_code == 200
    (chart,) = page.context["charts"]
    assert {row.label: row.values for row in chart.rows} == {"Store A": [2, 4], "Store B": [1, 2]}
    assert chart.totals == ["3", "6"] and chart.config["theme"] == "macarons"
    row = next(row for row in chart.rows if row.label == "Store A")
    assert f"store={store_a.pk}" in row.url and row.url.startswith(reverse("orders:order_list"))
    listed = client.get(row.url)
    assert len(list(listed.context["table"].data)) == 2


def test_edit_round_trip_keeps_what_was_saved(client, manager, orders):
    view = saved_views.save_view(owner=manager, data=orders_by_store(roles=["finance"], chart_type="pie"))
    client.force_login(manager)
    form = client.get(reverse("reports:view_edit", args=[view.pk])).context["form"]
    assert form.initial["dimensions"] == ["store"] and form.initial["roles"] == ["finance"]
    assert form.filter_form.initial == {"period": "last_7"}
    response = client.post(reverse("reports:view_edit", args=[view.pk]), {
        "name": "Renamed", "dimensions": ["store", "status"], "measures": ["amount"], "chart_type": "table",
        "theme": "default", "f-period": "custom", "f-date_from": "2026-01-01", "f-date_to": "2026-01-31",
    })
    assert response.status_code == 302
    view = SavedView.objects.get(pk=view.pk)
    assert (view.name, view.dimensions, view.measures, view.chart_type) == ("Renamed", ["store", "status"],
                                                                            ["amount"], "table")
    assert view.filters == {"period": "custom", "date_from": "2026-01-01", "date_to": "2026-01-31"}
    assert not view.shared_with.exists()


@pytest.mark.parametrize("change, field", [
    ({"dataset": "payroll"}, "dataset"),
    ({"dimensions": ["salary"]}, "dimensions"),
    ({"dimensions": []}, "dimensions"),
    ({"dimensions": ["store", "status", "day"]}, "dimensions"),
    ({"measures": ["units", "units"]}, "measures"),
    ({"measures": ["refunds"]}, "measures"),  # a measure of another dataset
    ({"chart_type": "radar"}, "chart_type"),
    ({"theme": "neon"}, "theme"),
    ({"roles": ["supplier"]}, "roles"),
    ({"filters": {"warehouse": 1}}, "filters"),  # orders take no warehouse filter
    ({"filters": {"store": 999999}}, "filters"),
    ({"filters": {"date_from": "2026-02-30"}}, "filters"),
])
def test_names_outside_the_registry_are_refused(manager, change, field):
    with pytest.raises(ValidationError) as refused:
        saved_views.save_view(owner=manager, data=orders_by_store(**change))
    assert field in refused.value.message_dict
    assert not SavedView.objects.exists()


def test_the_form_refuses_with_messages_not_a_500(client, manager):
    client.force_login(manager)
    response = client.post(reverse("reports:view_create"), {
        "dataset": "orders", "name": "x", "dimensions": ["salary"], "measures": ["orders"], "chart_type": "bar",
        "theme": "default"})
    assert response.status_code == 400 and response.context["form"].errors["dimensions"]
    response = client.post(reverse("reports:view_create"), {"dataset": "payroll", "name": "x"})
    assert response.status_code == 302 and not SavedView.objects.exists()
    saved_views.save_view(owner=manager, data=orders_by_store(name="Taken"))
    response = client.post(reverse("reports:view_create"), {
        "dataset": "orders", "name": "Taken", "dimensions": ["store"], "measures": ["orders"], "chart_type": "bar",
        "theme": "default"})
    assert response.status_code == 400 and response.context["form"].errors["name"]


def test_sharing_by_role(client, make_user, manager, orders):
    shared = saved_views.save_view(owner=manager, data=orders_by_store(name="For sales", roles=["sales"]))
    private = saved_views.save_view(owner=manager, data=orders_by_store(name="Mine"))
    seller, finance = reads_orders(make_user("sales")), reads_orders(make_user("finance"))
    assert list(saved_views.visible_views(seller)) == [shared]
    assert list(saved_views.visible_views(finance)) == []
    assert set(saved_views.visible_views(manager)) == {shared, private}

    client.force_login(seller)
    assert client.get(shared.get_absolute_url()).status_code == 200
    assert client.get(private.get_absolute_url()).status_code == 404  # another role's view: not found
    names = [view.name for view in client.get(reverse("reports:view_list")).context["views"]]
    assert names == ["For sales"]
    # a seller may read a shared view, never change, copy or delete it
    assert client.get(reverse("reports:view_edit", args=[shared.pk])).status_code == 403
    assert client.post(reverse("reports:view_copy", args=[shared.pk])).status_code == 403

    client.force_login(finance)
    for name in ("view_detail", "view_pin"):
        method = client.get if name == "view_detail" else client.post
        assert method(reverse(f"reports:{name}", args=[shared.pk])).status_code == 404


def test_another_managers_view_is_only_seen_when_shared(client, make_user, manager):
    other = make_user("manager")
    view = saved_views.save_view(owner=manager, data=orders_by_store())
    client.force_login(other)
    assert client.get(view.get_absolute_url()).status_code == 404
    assert client.get(reverse("reports:view_edit", args=[view.pk])).status_code == 404
    assert client.post(reverse("reports:view_delete", args=[view.pk])).status_code == 404
    view.shared_with.add(*other.groups.all())
    assert client.get(view.get_absolute_url()).status_code == 200
    assert client.get(reverse("reports:view_edit", args=[view.pk])).status_code == 404  # shared ≠ theirs
    with pytest.raises(PermissionDenied):
        saved_views.change_view(view, actor=other, data=orders_by_store(name="hijacked"))


def test_pinning_shows_the_view_on_each_users_home(client, make_user, manager, orders):
    view = saved_views.save_view(owner=manager, data=orders_by_store(roles=["sales"], title="Orders per store"))
    seller = reads_orders(make_user("sales"))
    client.force_login(seller)
    assert "pinned-views" not in client.get(reverse("reports:home")).content.decode()
    response = client.post(reverse("reports:view_pin", args=[view.pk]), {"next": reverse("reports:home")})
    assert response.status_code == 302 and response["Location"] == reverse("reports:home")
    client.post(reverse("reports:view_pin", args=[view.pk]))  # twice is once
    assert Pin.objects.filter(user=seller).count() == 1
    home = client.get(reverse("reports:home"))
    html = home.content.decode()
    assert 'id="pinned-views"' in html and "Orders per store" in html and "echarts.min.js" in html
    ((pinned_view, chart),) = home.context["pinned"]
    assert pinned_view == view and {row.label for row in chart.rows} == {"Store A", "Store B"}
    # the owner has not pinned it: their home shows no pinned view
    assert saved_views.pinned_views(manager) == []
    # unsharing hides it from the seller's home without deleting the pin
    view.shared_with.clear()
    assert client.get(reverse("reports:home")).context["pinned"] == []
    view.shared_with.add(*seller.groups.all())
    client.post(reverse("reports:view_unpin", args=[view.pk]))
    assert not Pin.objects.filter(user=seller).exists()


def test_copy_and_delete(client, make_user, manager, orders):
    other = make_user("manager")
    view = saved_views.save_view(owner=manager, data=orders_by_store(roles=["manager"]))
    Pin.objects.create(user=other, view=view)
    client.force_login(other)
    response = client.post(reverse("reports:view_copy", args=[view.pk]))
    copy = SavedView.objects.get(owner=other)
    assert response.status_code == 302 and response["Location"] == reverse("reports:view_edit", args=[copy.pk])
    assert (copy.name, copy.dataset, copy.measures) == ("Orders by store (copy 1)", "orders", ["orders", "units"])
    assert not copy.shared_with.exists()
    client.post(reverse("reports:view_copy", args=[view.pk]))
    assert SavedView.objects.filter(owner=other, name="Orders by store (copy 2)").exists()

    client.force_login(manager)
    confirm = client.get(reverse("reports:view_delete", args=[view.pk]))
    assert confirm.status_code == 200 and "Orders by store" in confirm.content.decode()
    assert SavedView.objects.filter(pk=view.pk).exists()  # a GET only asks
    response = client.post(reverse("reports:view_delete", args=[view.pk]))
    assert response.status_code == 302 and not SavedView.objects.filter(pk=view.pk).exists()
    assert not Pin.objects.filter(view_id=view.pk).exists()
    assert TransitionLog.objects.filter(object_id=str(view.pk), transition="delete").exists()


@pytest.mark.parametrize("dataset, dimensions, measures", [
    ("shipment_lines", ["month", "kind"], ["units", "amount"]),
    ("tickets", ["type"], ["tickets", "refunds"]),
    ("supplier_entries", ["supplier", "kind"], ["amount"]),
    ("stock_movements", ["warehouse", "direction"], ["units"]),
    ("orders", ["day"], ["amount"]),
])
@pytest.mark.parametrize("chart_type", ["bar", "line", "pie", "table", "number"])
def test_every_dataset_renders_in_every_chart_type(client, manager, orders, dataset, dimensions, measures,
                                                   chart_type):
    view = saved_views.save_view(owner=manager, data=ViewData(
        name="v", dataset=dataset, dimensions=dimensions, measures=measures, chart_type=chart_type))
    client.force_login(manager)
    page = client.get(view.get_absolute_url())
    assert page.status_code == 200
    if dataset == "orders":
        (chart,) = page.context["charts"]
        assert chart.totals == ["60.00"]


def test_a_view_and_the_home_page_read_a_constant_number_of_queries(client, manager, orders,
                                                                     django_assert_max_num_queries):
    views = [saved_views.save_view(owner=manager, data=orders_by_store(name=f"v{i}", dimensions=[dim]))
             for i, dim in enumerate(["store", "status", "day"])]
    client.force_login(manager)
    client.get(reverse("reports:home"))  # warm the session and the menu
    with django_assert_max_num_queries(40) as detail:
        client.get(views[0].get_absolute_url())
    for _ in range(4):
        OrderLineFactory(order=OrderFactory(store=StoreFactory()), quantity=1)
    with django_assert_max_num_queries(len(detail.captured_queries)):
        client.get(views[0].get_absolute_url())
    saved_views.pin_view(views[0], user=manager)
    with django_assert_max_num_queries(60) as one_pin:
        client.get(reverse("reports:home"))
    for view in views[1:]:
        saved_views.pin_view(view, user=manager)
    # two queries per pinned view (its figures and its totals), nothing per row
    with django_assert_max_num_queries(len(one_pin.captured_queries) + 2 * 2):
        client.get(reverse("reports:home"))


def test_a_reader_looks_at_another_period_and_the_saved_filters_stay(client, make_user, manager, orders):
    store_a, _store_b = orders
    view = saved_views.save_view(owner=manager, data=orders_by_store(filters={"period": "last_7", "store": store_a.pk},
                                                                      roles=["sales"]))
    client.force_login(reads_orders(make_user("sales")))
    page = client.get(view.get_absolute_url())
    assert page.context["form"]["period"].value() == "last_7"  # the saved period shows in the form
    assert [row.values[0] for row in page.context["charts"][0].rows] == [2]
    page = client.get(view.get_absolute_url(), {"period": "custom", "date_from": "2020-01-01",
                                                "date_to": "2020-01-31"})
    assert page.context["charts"][0].rows == []  # nothing ordered then; the store filter still applies
    assert page.context["filters"].store == store_a
    page = client.get(view.get_absolute_url(), {"date_from": "2020-02-30"})
    assert page.status_code == 200 and page.context["form"].errors
    assert [row.values[0] for row in page.context["charts"][0].rows] == [2]  # a bad period: the saved one
    assert SavedView.objects.get(pk=view.pk).filters == {"period": "last_7", "store": store_a.pk}


def test_the_reports_index_lists_the_dashboards_and_views_one_may_open(client, make_user, manager):
    view = saved_views.save_view(owner=manager, data=ViewData(
        name="Stock by warehouse", dataset="stock_movements", dimensions=["warehouse"], measures=["units"],
        roles=["warehouse", "sales"]))
    saved_views.save_view(owner=manager, data=orders_by_store(roles=["warehouse"]))  # not theirs to read
    client.force_login(make_user("warehouse"))
    page = client.get(reverse("reports:index"))
    assert [title for title, _url in page.context["dashboards"]] == ["Inventory analysis"]
    assert list(page.context["saved_views"]) == [view]
    client.force_login(make_user("sales"))
    page = client.get(reverse("reports:index"))
    assert page.context["dashboards"] == [] and list(page.context["saved_views"]) == []


def supplier_entries(**kwargs):
    return ViewData(**{"name": "Supplier balances", "dataset": "supplier_entries", "dimensions": ["supplier"],
                       "measures": ["amount"], **kwargs})


def test_a_view_over_figures_a_role_may_not_see_stays_hidden_though_shared(client, make_user, manager):
    view = saved_views.save_view(owner=manager, data=supplier_entries(roles=["sales"]))
    seller = make_user("sales")
    Pin.objects.create(user=seller, view=view)  # pinned before, say; still not shown
    assert list(saved_views.visible_views(seller)) == [] and saved_views.pinned_views(seller) == []
    client.force_login(seller)
    assert client.get(reverse("reports:view_list")).context["views"] == []
    assert client.get(reverse("reports:home")).context["pinned"] == []
    assert client.get(reverse("reports:index")).context["saved_views"].count() == 0
    assert client.get(view.get_absolute_url()).status_code == 404
    assert client.get(view.get_absolute_url(), {"_export": "csv", "table": "view"}).status_code == 404
    for name in ("view_pin", "view_unpin"):
        assert client.post(reverse(f"reports:{name}", args=[view.pk])).status_code == 404

    client.force_login(manager)
    assert client.get(view.get_absolute_url()).status_code == 200
    assert [v.name for v in client.get(reverse("reports:view_list")).context["views"]] == ["Supplier balances"]


def test_a_warehouse_user_builds_views_only_over_what_they_may_read(client, make_user):
    keeper = grant(make_user("warehouse"), "add_savedview")  # may keep views, reads inventory only
    client.force_login(keeper)
    form = client.get(reverse("reports:view_create"))
    assert form.status_code == 200 and [name for name, _label in form.context["datasets"]] == ["stock_movements"]
    assert form.context["dataset"].name == "stock_movements"
    other = client.get(reverse("reports:view_create"), {"dataset": "supplier_entries"})
    assert other.status_code == 302 and other["Location"] == reverse("reports:view_create")  # not offered
    response = client.post(reverse("reports:view_create"), {
        "dataset": "stock_movements", "name": "Stock", "dimensions": ["warehouse"], "measures": ["units"],
        "chart_type": "bar", "theme": "default"})
    view = SavedView.objects.get()
    assert response.status_code == 302 and (view.owner, view.dataset) == (keeper, "stock_movements")

    response = client.post(reverse("reports:view_create"), {
        "dataset": "supplier_entries", "name": "Balances", "dimensions": ["supplier"], "measures": ["amount"],
        "chart_type": "bar", "theme": "default"})
    assert response.status_code == 302 and SavedView.objects.count() == 1
    with pytest.raises(ValidationError) as refused:
        saved_views.save_view(owner=keeper, data=supplier_entries())
    assert "dataset" in refused.value.message_dict and SavedView.objects.count() == 1
