"""The home page's after-sales queues (the handler's open and overdue tickets, the approver's tickets to
approve, returns the warehouse expects) and the order page's after-sales section."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aftersales import services
from aftersales.models import Ticket, TicketType
from tests.aftersales.factories import make_ticket

pytestmark = pytest.mark.django_db


def test_home_shows_the_handlers_open_tickets_with_overdue_marked(client, make_user, settings):
    settings.AFTERSALES_SLA_DAYS = 3
    sally = make_user("sales", username="sally")
    mine = make_ticket(type=TicketType.REFUND_ONLY, registered_by=sally)
    Ticket.objects.filter(pk=mine.pk).update(created_at=timezone.now() - timedelta(days=4))
    someone_elses = make_ticket(type=TicketType.REFUND_ONLY)
    client.force_login(sally)
    html = client.get(reverse("reports:home")).content.decode()
    assert "My open after-sales tickets" in html
    assert f"{mine.number} · " in html and "4d · overdue" in html
    assert someone_elses.number not in html


def test_home_shows_the_approver_the_tickets_to_approve_but_not_their_own(client, make_user):
    amy = make_user("sales", "approver", username="amy")
    theirs = make_ticket(type=TicketType.REFUND_ONLY)
    own = make_ticket(type=TicketType.REFUND_ONLY, registered_by=amy)
    for ticket in (theirs, own):
        services.submit_ticket(ticket, actor=ticket.registered_by)
    client.force_login(amy)
    html = client.get(reverse("reports:home")).content.decode()
    approve_part = html.split("After-sales tickets to approve")[1]
    assert theirs.number in approve_part and own.number not in approve_part


def test_the_order_page_lists_its_tickets_and_offers_to_register_one(client, make_user):
    sally = make_user("sales", username="sally")
    ticket = make_ticket(type=TicketType.REFUND_ONLY, registered_by=sally)
    client.force_login(sally)
    html = client.get(ticket.order.get_absolute_url()).content.decode()
    assert 'id="order-aftersales"' in html and ticket.number in html
    assert f"{reverse('aftersales:ticket_create')}?order={ticket.order.pk}" in html
    assert "After-sales: In progress" in html
    client.force_login(make_user("warehouse"))
    html = client.get(ticket.order.get_absolute_url()).content.decode()
    assert ticket.number in html and 'id="register-ticket"' not in html


def test_the_order_page_withholds_cancel_while_a_ticket_is_live_and_says_why(client, make_user):
    from orders.models import FulfilmentStatus, Order

    sally = make_user("sales", username="sally")
    ticket = make_ticket(type=TicketType.REFUND_ONLY, registered_by=sally)
    order = ticket.order
    client.force_login(sally)
    html = client.get(order.get_absolute_url()).content.decode()
    assert 'id="cancel-order-form"' not in html
    withheld = html.split('id="cancel-withheld"')[1].split("</section>")[0]
    assert "live after-sales ticket" in withheld
    response = client.post(reverse("shipments:order_cancel", args=[order.pk]), {"reason": "changed mind"},
                           follow=True)
    assert "live after-sales ticket" in response.content.decode()
    assert Order.objects.get(pk=order.pk).fulfilment_status == FulfilmentStatus.AWAITING_SHIPMENT

    services.submit_ticket(ticket, actor=sally)
    services.reject_ticket(ticket, actor=make_user("approver"), reason="duplicate")
    html = client.get(order.get_absolute_url()).content.decode()
    assert 'id="cancel-order-form"' in html and 'id="cancel-withheld"' not in html
