"""One event, two readers: each inbox and each e-mail is in its recipient's language (accounts.User.language),
never in the language of whoever caused the event — the row stores a message key and parameters."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from aftersales.services import submit_ticket
from notifications import messages, services
from notifications.models import Notification
from tests.aftersales.factories import make_ticket

pytestmark = pytest.mark.django_db


def test_one_event_reaches_a_chinese_and_an_english_approver_each_in_their_language(
    client, make_user, django_capture_on_commit_callbacks
):
    chinese = make_user("approver", language="zh-hans", email="wang@example.com")
    english = make_user("approver", language="en", email="anna@example.com")
    ticket = make_ticket()
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):  # caused in English
        submit_ticket(ticket, actor=ticket.registered_by)

    rows = {n.recipient_id: n for n in Notification.objects.filter(event="ticket_submitted")}
    assert {chinese.pk, english.pk} <= set(rows)
    stored = rows[chinese.pk]
    assert stored.message == "aftersales.submitted"
    assert stored.params["type"] == {"msgid": "Return and refund"}, "a choice is stored as its msgid"

    emails = {m.to[0]: m for m in mail.outbox}
    zh_mail, en_mail = emails["wang@example.com"], emails["anna@example.com"]
    assert zh_mail.subject == f"售后单 {ticket.number} 待审核"
    assert zh_mail.body.startswith(f"退货退款 · {ticket.order.external_order_no}")
    assert en_mail.subject == f"After-sales ticket {ticket.number} waits for approval"
    assert en_mail.body.startswith(f"Return and refund · {ticket.order.external_order_no}")

    client.force_login(chinese)
    with translation.override("en"):  # whatever language this process happens to be in
        zh_inbox = client.get(reverse("notifications:inbox"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"售后单 {ticket.number} 待审核" in zh_inbox and "退货退款" in zh_inbox
    assert "waits for approval" not in zh_inbox

    client.force_login(english)
    with translation.override("zh-hans"):
        en_inbox = client.get(reverse("notifications:inbox"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"After-sales ticket {ticket.number} waits for approval" in en_inbox and "Return and refund" in en_inbox
    assert "待审核" not in en_inbox


def test_the_language_is_the_recipients_when_the_email_is_sent_not_when_the_event_happened(
    make_user, django_capture_on_commit_callbacks
):
    reader = make_user("sales", language="en")
    with translation.override("zh-hans"):
        [row] = services.notify(recipients=[reader], message=messages.get("orders.new_order"),
                                params={"no": "TM-9", "store": "天猫旗舰店", "name": "王伟", "address": "北京"})
    reader.language = "zh-hans"
    reader.save(update_fields=["language"])

    assert services.deliver(row.pk) == "sent"
    assert mail.outbox[0].subject == "新订单 TM-9（天猫旗舰店）"
    assert row.render("en") == ("New order TM-9 from 天猫旗舰店", "王伟, 北京")


def test_an_unknown_message_is_refused_and_a_row_of_an_undeclared_key_still_shows(make_user):
    reader = make_user("sales")
    with pytest.raises(ValueError):
        services.notify(recipients=[reader], message="no.such.message")
    row = Notification.objects.create(recipient=reader, message="gone.since", params={"x": 1})
    assert row.render("zh-hans") == ("gone.since", "")


def test_old_rows_keep_their_text_as_the_literal_message(make_user):
    reader = make_user("sales", language="zh-hans")
    row = Notification.objects.create(recipient=reader, message=messages.LITERAL.key,
                                      params={"subject": "New order TM-1 from Store", "body": "50% off"})
    assert row.render("zh-hans") == ("New order TM-1 from Store", "50% off")


def test_a_params_template_that_no_longer_fits_shows_the_bare_text(make_user):
    reader = make_user("sales")
    row = Notification.objects.create(recipient=reader, message="orders.new_order", params={"no": "TM-1"})
    assert row.render("en")[0] == "New order %(no)s from %(store)s"


def test_frozen_text_is_refused(make_user):
    reader = make_user("sales")
    with pytest.raises(TypeError):
        services.notify(recipients=[reader], subject="New order TM-1 from Store")  # the old call is gone
    with pytest.raises(ValueError):
        services.notify(recipients=[reader], message=messages.LITERAL, params={"subject": "frozen"})
    assert not Notification.objects.exists()


def test_a_row_whose_message_this_process_does_not_know_is_not_mailed_as_its_key(make_user):
    """A worker running older code than the one that wrote the row: the e-mail waits (retried, then
    failed) rather than leaving with the bare key as its subject."""
    row = Notification.objects.create(recipient=make_user("sales"), message="from.newer.code", params={})
    assert services.deliver(row.pk) == "pending"
    assert mail.outbox == []
    assert "from.newer.code" in Notification.objects.get(pk=row.pk).last_error
