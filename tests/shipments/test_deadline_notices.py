"""The periodic deadline notices (each order / drop-ship announced once per level, running twice sends
nothing new) and the supplier reminder."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import TransitionLog
from notifications.models import Notification
from orders.models import Order
from shipments.cancelling import cancel_shipment
from shipments.deadline_notices import remind_supplier, send_deadline_notices
from shipments.models import DeadlineNotice, Shipment
from shipments.tasks import send_deadline_notices_task
from tests.factories import StoreFactory, UserFactory
from tests.orders.factories import OrderFactory
from tests.shipments.test_deadlines import approved_drop_ship

pytestmark = pytest.mark.django_db


def rows(event="dispatch_deadline"):
    return list(Notification.objects.filter(event=event).order_by("id"))


def test_an_order_is_announced_once_at_risk_and_once_overdue(django_capture_on_commit_callbacks):
    store = StoreFactory(promised_dispatch_hours=48)
    order = OrderFactory(store=store, ordered_at=timezone.now() - timedelta(hours=40))
    OrderFactory(store=store, ordered_at=timezone.now() - timedelta(hours=2))  # on time: nothing

    assert send_deadline_notices() == {"order": 1, "shipment": 0}
    [notice] = rows()
    assert notice.recipient == store.salesperson
    assert notice.message == "deadline.order_at_risk" and notice.link == order.get_absolute_url()
    subject, body = notice.render("en")
    assert order.external_order_no in subject and "at risk" in subject and "48-hour" in body

    assert send_deadline_notices() == {"order": 0, "shipment": 0}  # running again sends nothing new
    assert len(rows()) == 1

    later = timezone.now() + timedelta(hours=9)  # now past the 48 h
    assert send_deadline_notices(now=later) == {"order": 1, "shipment": 0}
    assert send_deadline_notices(now=later + timedelta(minutes=5)) == {"order": 0, "shipment": 0}
    assert [n.message for n in rows()] == ["deadline.order_at_risk", "deadline.order_overdue"]
    assert set(DeadlineNotice.objects.values_list("document", "document_id", "level")) == {
        ("order", order.pk, "at_risk"), ("order", order.pk, "overdue")}
    timeline = set(TransitionLog.objects.filter(object_id=str(order.pk)).values_list("transition", flat=True))
    assert {"deadline_at_risk", "deadline_overdue"} <= timeline


def test_a_late_drop_ship_tells_the_suppliers_portal_users_and_the_salesperson():
    shipment = approved_drop_ship(approved_hours_ago=20, supplier_hours=24, store_hours=480)
    portal = UserFactory(roles=("supplier",))
    retired = UserFactory(roles=("supplier",), is_active=False)
    shipment.supplier.portal_users.add(portal, retired)
    salesperson = shipment.order.store.salesperson

    assert send_deadline_notices() == {"order": 0, "shipment": 1}
    assert {n.recipient for n in rows()} == {portal, salesperson}
    assert {n.message for n in rows()} == {"deadline.drop_ship_at_risk"}
    assert "No portal user" not in rows()[0].render("en")[1]
    assert send_deadline_notices_task() == {"order": 0, "shipment": 0}
    assert len(rows()) == 2


def test_a_supplier_without_portal_user_is_named_with_its_contact():
    shipment = approved_drop_ship(approved_hours_ago=30, supplier_hours=24, store_hours=480)
    send_deadline_notices()
    [notice] = rows()
    assert notice.message == "deadline.drop_ship_overdue"
    assert shipment.supplier.contact_email in notice.render("en")[1]


def test_a_dispatched_cancelled_or_long_overdue_order_is_not_announced():
    store = StoreFactory(promised_dispatch_hours=48)
    OrderFactory(store=store, ordered_at=timezone.now() - timedelta(days=30))  # overdue weeks ago
    cancelled = OrderFactory(store=store, ordered_at=timezone.now() - timedelta(hours=50))
    Order.objects.filter(pk=cancelled.pk).update(fulfilment_status="cancelled")
    assert send_deadline_notices() == {"order": 0, "shipment": 0}
    assert rows() == []


def test_a_concurrent_runs_notices_roll_the_second_back_whole():
    order = OrderFactory(store=StoreFactory(promised_dispatch_hours=48),
                         ordered_at=timezone.now() - timedelta(hours=40))
    DeadlineNotice.objects.create(document="order", document_id=order.pk, level="overdue",
                                  dispatch_by=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        DeadlineNotice.objects.create(document="order", document_id=order.pk, level="overdue",
                                      dispatch_by=timezone.now())


def test_remind_supplier_tells_the_portal_users_now_and_is_audited():
    shipment = approved_drop_ship(approved_hours_ago=2, supplier_hours=24, store_hours=480)
    portal = UserFactory(roles=("supplier",))
    shipment.supplier.portal_users.add(portal)
    manager = UserFactory(roles=("manager",))
    written = remind_supplier(shipment, actor=manager)
    assert [n.recipient for n in written] == [portal]
    assert written[0].message == "deadline.supplier_reminder"
    assert shipment.number in written[0].render("en")[0]
    log = TransitionLog.objects.get(object_id=str(shipment.pk), transition="remind_supplier")
    assert log.actor == manager
    remind_supplier(shipment, actor=manager)  # a reminder may be sent again: each press is one
    assert Notification.objects.filter(event="shipment.supplier_reminded").count() == 2


def test_remind_without_portal_user_asks_the_salesperson_to_pass_it_on():
    shipment = approved_drop_ship(approved_hours_ago=2, supplier_hours=24, store_hours=480)
    written = remind_supplier(shipment, actor=UserFactory(roles=("manager",)))
    assert [n.recipient for n in written] == [shipment.order.store.salesperson]
    assert shipment.supplier.contact_email in written[0].render("en")[1]


def test_only_an_approved_drop_ship_can_be_reminded():
    shipment = approved_drop_ship()
    cancel_shipment(Shipment.objects.get(pk=shipment.pk), actor=shipment.world.approver, reason="客户取消")
    with pytest.raises(ValidationError):
        remind_supplier(shipment, actor=UserFactory(roles=("manager",)))
    assert not Notification.objects.filter(event="shipment.supplier_reminded").exists()


def test_beat_runs_the_task():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["dispatch-deadline-notices"]
    assert entry["task"] == send_deadline_notices_task.name
