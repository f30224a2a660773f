"""notifications.role_insert: the hand-written INSERT … SELECT … RETURNING that notify_role_many uses writes
exactly the rows the ORM version (one SELECT of the holders + bulk_create) writes — same recipients (active
holders only, each once), keys, JSON params, links, order and returned instances."""

import pytest
from django.utils import timezone

from notifications import role_insert
from notifications.models import DeliveryStatus, Notification

pytestmark = pytest.mark.django_db

STORED = [
    ("shipments.ready_to_pick", {"no": "SH0000001", "warehouse": "北京仓", "order": "TM-1", "n": 2}, "/shipments/1/"),
    ("aftersales.submitted", {"no": "AS1", "type": {"msgid": "Return and refund"}, "order": "TM-2"}, ""),
    ("literal", {"subject": "引号 \"quoted\" ' and 100 %", "body": "line\nbreak"}, "/x/"),
]


def _rows(created):
    return [(n.recipient_id, n.message, n.params, n.link, n.event, n.delivery_status) for n in created]


def _stored_rows(created):
    fresh = Notification.objects.filter(pk__in=[n.pk for n in created]).order_by("pk")
    return [(n.recipient_id, n.message, n.params, n.link, n.event, n.delivery_status) for n in fresh]


def test_the_one_statement_writes_what_the_orm_writes(make_user):
    holders = [make_user("warehouse"), make_user("warehouse", "sales"), make_user("warehouse")]
    make_user("warehouse", is_active=False)
    make_user("sales")
    now = timezone.now()

    by_orm = role_insert.with_orm("warehouse", STORED, event="shipment.approved", now=now)
    by_statement = role_insert.with_one_statement("warehouse", STORED, event="shipment.approved", now=now)

    expected = [(user.pk, key, params, link, "shipment.approved", DeliveryStatus.PENDING)
                for key, params, link in STORED for user in sorted(holders, key=lambda u: u.pk)]
    assert _rows(by_orm) == _rows(by_statement) == expected
    assert _stored_rows(by_orm) == _stored_rows(by_statement) == expected
    assert all(n.pk and n.created_at == now for n in by_statement)
    assert {n.created_at for n in Notification.objects.filter(pk__in=[n.pk for n in by_statement])} == {now}
    assert "SH0000001" in by_statement[0].render("zh-hans")[0] and "北京仓" in by_statement[0].render("en")[0]


def test_a_role_nobody_holds_writes_nothing_either_way(make_user):
    make_user("sales")
    now = timezone.now()
    assert role_insert.with_orm("finance_supervisor", STORED, event="", now=now) == []
    assert role_insert.with_one_statement("finance_supervisor", STORED, event="", now=now) == []
    assert not Notification.objects.exists()
