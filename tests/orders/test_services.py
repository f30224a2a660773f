"""Taking orders in, cancelling them, and the one writer of the derived fulfilment status."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from core.transitions import timeline_for
from notifications.models import Notification
from orders.models import FulfilmentStatus, Order, OrderLine
from orders.services import create_order, set_fulfilment_status
from shipments.cancelling import cancel_order
from tests.factories import ProductFactory, StoreFactory

from .factories import OrderFactory

pytestmark = pytest.mark.django_db


def order_kwargs(store, product, **overrides):
    kwargs = {
        "store": store, "external_order_no": "TM-1001", "recipient_name": "李四", "recipient_phone": "13900000000",
        "recipient_address": "北京市朝阳区建国路 1 号", "ordered_at": timezone.now(),
        "lines": [{"product": product, "quantity": 3, "unit_price": Decimal("19.90")}],
    }
    kwargs.update(overrides)
    return kwargs


@pytest.fixture
def sales(make_user):
    return make_user("sales")


@pytest.fixture
def store(sales):
    return StoreFactory(salesperson=sales)


@pytest.fixture
def product():
    return ProductFactory()


def test_sales_takes_in_an_order_and_its_salesperson_is_told(sales, store, product, make_user):
    clerk = make_user("sales")
    order, created = create_order(**order_kwargs(store, product), actor=clerk)

    assert created is True
    order = Order.objects.get(pk=order.pk)
    assert order.fulfilment_status == FulfilmentStatus.AWAITING_SHIPMENT
    assert order.created_by == clerk
    line = order.lines.get()
    assert (line.product, line.quantity, line.unit_price) == (product, 3, Decimal("19.90"))
    note = Notification.objects.get(recipient=sales)
    assert "TM-1001" in note.subject
    assert note.link == order.get_absolute_url()
    assert not Notification.objects.filter(recipient=clerk).exists()


def test_a_retry_returns_the_existing_order_unchanged(sales, store, product):
    first, created = create_order(**order_kwargs(store, product), actor=sales)
    again, created_again = create_order(
        **order_kwargs(store, product, recipient_name="Someone else", lines=[(product, 9, Decimal("1"))]),
        actor=sales,
    )

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Order.objects.count() == 1
    assert Order.objects.get().recipient_name == "李四"
    assert OrderLine.objects.get().quantity == 3
    assert Notification.objects.filter(event="order_created").count() == 1


def test_the_same_order_no_in_another_store_is_another_order(sales, store, product):
    create_order(**order_kwargs(store, product), actor=sales)
    _order, created = create_order(**order_kwargs(StoreFactory(), product), actor=sales)
    assert created is True
    assert Order.objects.count() == 2


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"external_order_no": "  "}, "external_order_no"),
        ({"recipient_name": ""}, "recipient_name"),
        ({"recipient_address": ""}, "recipient_address"),
        ({"lines": []}, "lines"),
        ({"lines": [{"product": None, "quantity": 1, "unit_price": 1}]}, "lines"),
        ({"lines": [{"product": "P", "quantity": 0, "unit_price": 1}]}, "lines"),
        ({"lines": [{"product": "P", "quantity": 2, "unit_price": Decimal("-1")}]}, "lines"),
        ({"lines": [{"product": "P", "quantity": 2, "unit_price": Decimal("1.234")}]}, "lines"),
    ],
)
def test_invalid_orders_are_refused_and_write_nothing(sales, store, product, overrides, field):
    for line in overrides.get("lines", []):
        if line["product"] == "P":
            line["product"] = product
    with pytest.raises(ValidationError) as refused:
        create_order(**order_kwargs(store, product, **overrides), actor=sales)

    assert field in refused.value.message_dict
    assert Order.objects.count() == 0
    assert OrderLine.objects.count() == 0
    assert Notification.objects.count() == 0


def test_a_line_error_names_the_line(sales, store, product):
    lines = [(product, 1, Decimal("1")), (product, -2, Decimal("1"))]
    with pytest.raises(ValidationError) as refused:
        create_order(**order_kwargs(store, product, lines=lines), actor=sales)
    assert refused.value.message_dict["lines"] == ["Line 2: the quantity must be a whole number above 0."]


def test_an_inactive_store_takes_no_orders(sales, product):
    store = StoreFactory(is_active=False)
    with pytest.raises(ValidationError):
        create_order(**order_kwargs(store, product), actor=sales)
    assert not Order.objects.exists()


@pytest.mark.parametrize("role", ["warehouse", "approver", "finance", "supplier"])
def test_only_people_who_may_add_orders_can_create_one(make_user, store, product, role):
    with pytest.raises(PermissionDenied):
        create_order(**order_kwargs(store, product), actor=make_user(role))
    assert not Order.objects.exists()


def test_sales_cancels_an_order_awaiting_shipment_and_the_timeline_says_why(sales):
    order = OrderFactory()
    cancel_order(order, actor=sales, reason="Customer changed their mind")

    order = Order.objects.get(pk=order.pk)
    assert order.fulfilment_status == FulfilmentStatus.CANCELLED
    assert order.cancel_reason == "Customer changed their mind"
    entry = timeline_for(order).get()
    assert (entry.transition, entry.source, entry.target, entry.actor) == (
        "cancel", "awaiting_shipment", "cancelled", sales)
    assert entry.comment == "Customer changed their mind"


def test_an_order_already_shipped_cannot_be_cancelled(sales):
    order = OrderFactory()
    set_fulfilment_status(order, status=FulfilmentStatus.PARTIALLY_SHIPPED)
    order = Order.objects.get(pk=order.pk)

    with pytest.raises(TransitionNotAllowed):
        cancel_order(order, actor=sales, reason="Too late")
    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.PARTIALLY_SHIPPED


@pytest.mark.parametrize("role", ["warehouse", "approver", "finance", "manager"])
def test_other_roles_may_not_cancel(make_user, role):
    order = OrderFactory()
    with pytest.raises(PermissionDenied):
        cancel_order(order, actor=make_user(role), reason="No")
    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.AWAITING_SHIPMENT


def test_a_cancellation_needs_a_reason(sales):
    order = OrderFactory()
    with pytest.raises(ValidationError):
        cancel_order(order, actor=sales, reason="  ")
    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.AWAITING_SHIPMENT


def test_the_derived_status_is_written_and_logged_by_one_function():
    order = OrderFactory()
    set_fulfilment_status(order, status=FulfilmentStatus.SHIPPED, comment="shipment S-1 dispatched")
    set_fulfilment_status(order, status=FulfilmentStatus.SHIPPED)  # unchanged: nothing written

    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.SHIPPED
    assert [(e.source, e.target) for e in timeline_for(order)] == [("awaiting_shipment", "shipped")]
    with pytest.raises(ValueError):
        set_fulfilment_status(order, status=FulfilmentStatus.CANCELLED)


def test_a_cancelled_order_is_final():
    order = OrderFactory()
    cancel_order(order, actor=_superuser(), reason="Duplicate")
    order = Order.objects.get(pk=order.pk)
    with pytest.raises(TransitionNotAllowed):
        set_fulfilment_status(order, status=FulfilmentStatus.SHIPPED)


def _superuser():
    from tests.factories import UserFactory

    return UserFactory(is_superuser=True)
