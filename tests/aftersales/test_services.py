"""After-sales tickets through their services: the five types' paths and refusals, the return-received
node (receipt status + stock ledger in one transaction), supplier entries posted exactly once, the
order's after-sales status, maker-checker and the other permission rules, notes with attachments."""

import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from aftersales import assigning, notes, outbound, selectors, services
from aftersales.models import (
    ReceiptStatus,
    ReturnDestination,
    Ticket,
    TicketAttachment,
    TicketNote,
    TicketState,
    TicketType,
)
from aftersales.services import Refund
from aftersales.ticket_data import TicketData
from core.append_only import AppendOnlyError
from inventory.models import MoveKind, StockBalance, StockLedgerEntry
from inventory.services import InvalidMove
from notifications.models import Notification
from orders.models import AftersalesStatus, Order
from reconciliation.models import EntryKind, SupplierAccountEntry
from reconciliation.services import EntryDraft, post_supplier_entries
from tests.aftersales.factories import make_ticket
from tests.factories import ProductFactory, UserFactory, WarehouseFactory
from tests.orders.factories import OrderLineFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today


def fresh(ticket):
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def people(make_user):
    class People:
        sales = make_user("sales", username="sally")
        approver = make_user("approver", username="amy")
        warehouse = make_user("warehouse", username="wes")
    return People


def refund(amount="50.00"):
    return Refund(amount=Decimal(amount), date=timezone.localdate(), reference="TM-REFUND-1")


def approved(ticket, people):
    services.submit_ticket(ticket, actor=people.sales)
    return services.approve_ticket(ticket, actor=people.approver)


def entries_of(ticket):
    return SupplierAccountEntry.objects.filter(source_type=ContentType.objects.get_for_model(Ticket),
                                               source_id=ticket.pk)


# ---- the database keeps total = manufacturer + seller -------------------------------------------------

def test_the_stored_total_is_the_sum_of_manufacturer_and_seller_amounts(people):
    ticket = make_ticket(type=TicketType.COMPENSATION, quantity=0, registered_by=people.sales,
                         manufacturer_amount=Decimal("30.00"), seller_amount=Decimal("12.50"))
    assert fresh(ticket).total_amount == Decimal("42.50")


def test_a_direct_database_write_breaking_the_total_fails_the_constraint(people):
    ticket = make_ticket(type=TicketType.COMPENSATION, quantity=0, registered_by=people.sales,
                         manufacturer_amount=Decimal("30.00"), seller_amount=Decimal("12.50"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.filter(pk=ticket.pk).update(total_amount=Decimal("40.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Ticket.objects.filter(pk=ticket.pk).update(seller_amount=Decimal("1.00"))
    assert fresh(ticket).total_amount == Decimal("42.50")


# ---- each type's full path ----------------------------------------------------------------------------

def test_refund_only_path(people):
    ticket = make_ticket(type=TicketType.REFUND_ONLY, registered_by=people.sales)
    assert ticket.number == f"AS{ticket.pk:07d}"
    assert fresh(ticket).state == TicketState.REGISTERED
    ticket = approved(ticket, people)
    assert Notification.objects.filter(recipient=people.approver, event="ticket_submitted").count() == 1
    with pytest.raises(TransitionNotAllowed):
        services.start_awaiting_return(ticket, actor=people.sales)  # nothing comes back
    with pytest.raises(ValidationError) as error:
        services.resolve_ticket(ticket, actor=people.sales)  # the refund must be recorded
    assert set(error.value.message_dict) == {"refund_amount", "refund_date", "refund_reference"}
    services.resolve_ticket(ticket, actor=people.sales, refund=refund("49.90"))
    ticket = fresh(ticket)
    assert (ticket.state, ticket.refund_amount, ticket.refund_reference) == (TicketState.RESOLVED,
                                                                            Decimal("49.90"), "TM-REFUND-1")
    services.close_ticket(ticket, actor=people.sales)
    assert fresh(ticket).state == TicketState.CLOSED
    with pytest.raises(TransitionNotAllowed):
        services.submit_ticket(ticket, actor=people.sales)


def test_return_and_refund_path(people):
    ticket = make_ticket(type=TicketType.RETURN_REFUND, registered_by=people.sales)
    ticket = approved(ticket, people)
    assert fresh(ticket).state == TicketState.AWAITING_RETURN  # approval waits for the goods at once
    with pytest.raises(TransitionNotAllowed):  # the goods must come back first
        services.resolve_ticket(ticket, actor=people.sales, refund=refund())
    services.confirm_return_received(ticket, actor=people.warehouse)
    services.resolve_ticket(ticket, actor=people.sales, refund=refund())
    services.close_ticket(ticket, actor=people.approver)
    ticket = fresh(ticket)
    assert ticket.state == TicketState.CLOSED
    assert ticket.receipt_status == ReceiptStatus.RECEIVED
    steps = [entry.transition for entry in selectors_timeline(ticket)]
    assert steps == ["submit", "approve", "expect_return", "receive_return", "resolve", "close"]


def selectors_timeline(ticket):
    from core.transitions import timeline_for
    return list(timeline_for(ticket))


def test_exchange_path_is_resolved_by_the_dispatch_of_its_shipment_not_by_hand(people):
    ticket = make_ticket(type=TicketType.EXCHANGE, registered_by=people.sales)
    ticket = approved(ticket, people)
    # the replacement leaves only once the return is in
    assert outbound.resolve_by_dispatch(ticket, shipment="SH0000001").state == TicketState.AWAITING_RETURN
    services.confirm_return_received(ticket, actor=people.warehouse)
    with pytest.raises(TransitionNotAllowed):
        services.resolve_ticket(ticket, actor=people.sales)
    outbound.resolve_by_dispatch(ticket, shipment="SH0000001")
    assert fresh(ticket).state == TicketState.RESOLVED
    services.close_ticket(ticket, actor=people.sales)
    assert fresh(ticket).state == TicketState.CLOSED


def test_reship_path_skips_the_return_and_resolves_on_dispatch(people):
    ticket = make_ticket(type=TicketType.RESHIP, registered_by=people.sales)
    ticket = approved(ticket, people)
    with pytest.raises(TransitionNotAllowed):
        services.start_awaiting_return(ticket, actor=people.sales)
    with pytest.raises(TransitionNotAllowed):
        services.resolve_ticket(ticket, actor=people.sales)
    outbound.resolve_by_dispatch(ticket, shipment="SH0000002")
    assert fresh(ticket).state == TicketState.RESOLVED
    assert fresh(ticket).resolved_at is not None


def test_compensation_path_posts_the_manufacturer_compensation(people):
    ticket = make_ticket(type=TicketType.COMPENSATION, quantity=0, registered_by=people.sales,
                         manufacturer_amount=Decimal("20.00"), seller_amount=Decimal("5.00"))
    ticket = approved(ticket, people)
    with pytest.raises(TransitionNotAllowed):
        services.start_awaiting_return(ticket, actor=people.sales)
    services.resolve_ticket(ticket, actor=people.sales)
    assert list(entries_of(ticket).values_list("kind", "amount")) == [
        (EntryKind.MANUFACTURER_COMPENSATION, Decimal("-20.00"))]
    services.close_ticket(ticket, actor=people.sales)
    assert fresh(ticket).state == TicketState.CLOSED


def test_rejected_is_final(people):
    ticket = make_ticket(type=TicketType.REFUND_ONLY, registered_by=people.sales)
    services.submit_ticket(ticket, actor=people.sales)
    with pytest.raises(ValidationError):
        services.reject_ticket(ticket, actor=people.approver, reason="  ")
    services.reject_ticket(ticket, actor=people.approver, reason="Photos show no defect")
    ticket = fresh(ticket)
    assert (ticket.state, ticket.reject_reason) == (TicketState.REJECTED, "Photos show no defect")
    for run in (lambda: services.approve_ticket(ticket, actor=people.approver),
                lambda: services.submit_ticket(ticket, actor=people.sales),
                lambda: services.resolve_ticket(ticket, actor=people.sales, refund=refund()),
                lambda: services.close_ticket(ticket, actor=people.sales)):
        with pytest.raises(TransitionNotAllowed):
            run()
    assert Notification.objects.filter(recipient=people.sales, event="ticket_rejected").exists()


def test_registration_refuses_bad_input_and_writes_nothing(people):
    line = OrderLineFactory(quantity=2)
    other_line = OrderLineFactory()
    data = TicketData(type=TicketType.RETURN_REFUND, order=line.order, handler=people.warehouse,
                               reason="quality", lines=[(line, 3), (other_line, 1)],
                               compensate=True, manufacturer_amount=Decimal("-1"))
    with pytest.raises(ValidationError) as error:
        services.register_ticket(data=data, actor=people.sales)
    assert {"handler", "lines", "return_destination", "manufacturer_amount"} <= set(error.value.message_dict)
    assert not Ticket.objects.exists()
    with pytest.raises(PermissionDenied):
        make_ticket(registered_by=people.warehouse)


def test_charge_back_defaults_to_returned_quantity_times_supplier_unit_price(people):
    product = ProductFactory(supplier_unit_cost=Decimal("12.40"))
    ticket = make_ticket(order_line=OrderLineFactory(product=product, quantity=3), quantity=2,
                         registered_by=people.sales, charge_back=True)
    assert fresh(ticket).charge_back_amount == Decimal("24.80")


# ---- return received: receipt status + stock ledger in one transaction -----------------------------

def test_return_received_sets_receipt_status_writes_return_rows_and_tells_the_handler(people):
    warehouse = WarehouseFactory()
    line = OrderLineFactory(quantity=3)
    handler = UserFactory(roles=("sales",))
    ticket = make_ticket(order_line=line, quantity=2, registered_by=people.sales, handler=handler,
                         warehouse=warehouse)
    ticket = approved(ticket, people)
    services.confirm_return_received(ticket, actor=people.warehouse)
    ticket = fresh(ticket)
    assert (ticket.state, ticket.receipt_status) == (TicketState.RETURN_RECEIVED, ReceiptStatus.RECEIVED)
    row = StockLedgerEntry.objects.get(product=line.product, warehouse=warehouse)
    assert (row.direction, row.kind, row.quantity, row.balance_after) == ("in", MoveKind.RETURN, 2, 2)
    assert row.source == ticket
    assert StockBalance.objects.get(product=line.product, warehouse=warehouse).on_hand == 2
    assert Notification.objects.filter(recipient=handler, event="ticket_return_received").count() == 1


def test_if_the_ledger_write_fails_neither_receipt_status_nor_state_changes(people, monkeypatch):
    ticket = make_ticket(registered_by=people.sales)
    ticket = approved(ticket, people)

    def broken_move_stock(*, moves, actor):
        raise InvalidMove("ledger unavailable")

    monkeypatch.setattr(services, "move_stock", broken_move_stock)
    with pytest.raises(InvalidMove):
        services.confirm_return_received(ticket, actor=people.warehouse)
    ticket = fresh(ticket)
    assert (ticket.state, ticket.receipt_status) == (TicketState.AWAITING_RETURN, ReceiptStatus.NOT_RECEIVED)
    assert not StockLedgerEntry.objects.exists()
    assert not Notification.objects.filter(event="ticket_return_received").exists()
    assert not [e for e in selectors_timeline(ticket) if e.transition == "receive_return"]


def test_goods_back_to_the_manufacturer_touch_no_stock_and_sales_confirms_them(people):
    ticket = make_ticket(registered_by=people.sales, destination=ReturnDestination.MANUFACTURER)
    ticket = approved(ticket, people)
    with pytest.raises(PermissionDenied):
        services.confirm_return_received(ticket, actor=people.warehouse)
    services.confirm_return_received(ticket, actor=people.sales)
    assert fresh(ticket).receipt_status == ReceiptStatus.RECEIVED
    assert not StockLedgerEntry.objects.exists()


def test_sales_cannot_confirm_a_return_into_a_warehouse(people):
    ticket = approved(make_ticket(registered_by=people.sales), people)
    with pytest.raises(PermissionDenied):
        services.confirm_return_received(ticket, actor=people.sales)


# ---- supplier entries: exactly once -------------------------------------------------------------------

def test_resolve_posts_compensation_and_charge_back_once_even_when_the_request_is_retried(people):
    line = OrderLineFactory(quantity=2)
    supplier = line.product.default_supplier
    ticket = make_ticket(order_line=line, quantity=2, registered_by=people.sales, charge_back=True,
                         charge_back_amount=Decimal("20.00"), manufacturer_amount=Decimal("15.00"),
                         seller_amount=Decimal("5.00"))
    ticket = approved(ticket, people)
    services.confirm_return_received(ticket, actor=people.warehouse)

    first = services.resolve_ticket(ticket, actor=people.sales, refund=refund())
    retry = services.resolve_ticket(ticket, actor=people.sales, refund=refund())

    assert first.was_already_resolved is False and retry.was_already_resolved is True
    assert sorted(entries_of(ticket).values_list("supplier_id", "kind", "amount")) == [
        (supplier.pk, EntryKind.CHARGE_BACK, Decimal("-20.00")),
        (supplier.pk, EntryKind.MANUFACTURER_COMPENSATION, Decimal("-15.00")),
    ]
    assert [e.transition for e in selectors_timeline(ticket)].count("resolve") == 1
    # and the database refuses a second posting of the same kind for the same ticket
    with pytest.raises(IntegrityError), transaction.atomic():
        post_supplier_entries(entries=[EntryDraft(supplier_id=supplier.pk, kind=EntryKind.CHARGE_BACK,
                                                  amount=Decimal("-20.00"), source=fresh(ticket))])
    assert entries_of(ticket).count() == 2


def test_seller_compensation_alone_posts_nothing_to_the_supplier(people):
    ticket = make_ticket(type=TicketType.COMPENSATION, quantity=0, registered_by=people.sales,
                         seller_amount=Decimal("8.00"))
    services.resolve_ticket(approved(ticket, people), actor=people.sales)
    assert not entries_of(ticket).exists()


# ---- the order's after-sales status -------------------------------------------------------------------

def test_the_orders_after_sales_status_follows_its_tickets(people):
    line = OrderLineFactory(quantity=2)
    order = line.order
    assert Order.objects.get(pk=order.pk).aftersales_status == AftersalesStatus.NONE
    first = make_ticket(type=TicketType.REFUND_ONLY, order_line=line, registered_by=people.sales)
    assert Order.objects.get(pk=order.pk).aftersales_status == AftersalesStatus.IN_PROGRESS
    services.resolve_ticket(approved(first, people), actor=people.sales, refund=refund())
    assert Order.objects.get(pk=order.pk).aftersales_status == AftersalesStatus.RESOLVED
    second = make_ticket(type=TicketType.REFUND_ONLY, order_line=line, registered_by=people.sales)
    assert Order.objects.get(pk=order.pk).aftersales_status == AftersalesStatus.IN_PROGRESS
    services.submit_ticket(second, actor=people.sales)
    services.reject_ticket(second, actor=people.approver, reason="duplicate")
    assert Order.objects.get(pk=order.pk).aftersales_status == AftersalesStatus.RESOLVED


def test_derive_aftersales_status():
    derive = services.derive_aftersales_status
    assert derive([]) == AftersalesStatus.NONE
    assert derive([TicketState.CLOSED, TicketState.SUBMITTED]) == AftersalesStatus.IN_PROGRESS
    assert derive([TicketState.CLOSED, TicketState.REJECTED, TicketState.RESOLVED]) == AftersalesStatus.RESOLVED


# ---- permissions --------------------------------------------------------------------------------------

def test_maker_checker_the_registrant_never_approves_or_rejects_even_as_an_approver(make_user, people):
    both = make_user("sales", "approver", username="both")
    ticket = make_ticket(type=TicketType.REFUND_ONLY, registered_by=both)
    services.submit_ticket(ticket, actor=both)
    with pytest.raises(PermissionDenied):
        services.approve_ticket(ticket, actor=both)
    with pytest.raises(PermissionDenied):
        services.reject_ticket(ticket, actor=both, reason="no")
    with pytest.raises(PermissionDenied):
        services.approve_ticket(ticket, actor=people.warehouse)  # no approver role
    services.approve_ticket(ticket, actor=people.approver)
    assert fresh(ticket).approved_by == people.approver


def test_only_sales_registers_and_submits(people):
    ticket = make_ticket(type=TicketType.REFUND_ONLY, registered_by=people.sales)
    for actor in (people.approver, people.warehouse):
        with pytest.raises(PermissionDenied):
            services.submit_ticket(ticket, actor=actor)


def test_resolve_and_close_by_the_handler_or_an_approver_only(make_user, people):
    other_sales = make_user("sales", username="other")
    ticket = approved(make_ticket(type=TicketType.REFUND_ONLY, registered_by=people.sales), people)
    for actor in (other_sales, people.warehouse):
        with pytest.raises(PermissionDenied):
            services.resolve_ticket(ticket, actor=actor, refund=refund())
    services.resolve_ticket(ticket, actor=people.approver, refund=refund())
    with pytest.raises(PermissionDenied):
        services.close_ticket(ticket, actor=other_sales)
    services.close_ticket(ticket, actor=people.sales)
    assert fresh(ticket).state == TicketState.CLOSED


# ---- overdue, assignment ------------------------------------------------------------------------------

def test_a_ticket_open_longer_than_the_sla_is_overdue(people, settings):
    settings.AFTERSALES_SLA_DAYS = 3
    old = make_ticket(type=TicketType.REFUND_ONLY, registered_by=people.sales)
    Ticket.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=4))
    new = make_ticket(type=TicketType.REFUND_ONLY, registered_by=people.sales)
    done = make_ticket(type=TicketType.REFUND_ONLY, registered_by=people.sales)
    services.resolve_ticket(approved(done, people), actor=people.sales, refund=refund())
    Ticket.objects.filter(pk=done.pk).update(created_at=timezone.now() - timedelta(days=10))
    overdue = {t.pk: t.overdue for t in selectors.ticket_list()}
    assert overdue == {old.pk: True, new.pk: False, done.pk: False}
    assert fresh(old).is_overdue and not fresh(done).is_overdue


def test_bulk_assign_moves_open_tickets_to_a_salesperson_and_tells_them(make_user, people):
    lina = make_user("sales", username="lina")
    a = make_ticket(type=TicketType.REFUND_ONLY, registered_by=people.sales)
    b = make_ticket(type=TicketType.REFUND_ONLY, registered_by=people.sales)
    with pytest.raises(ValidationError):
        assigning.assign_tickets([a.pk], handler=people.warehouse, actor=people.approver)
    with pytest.raises(PermissionDenied):
        assigning.assign_tickets([a.pk], handler=lina, actor=people.warehouse)
    assert assigning.assign_tickets([a.pk, b.pk], handler=lina, actor=people.approver) == 2
    assert set(Ticket.objects.values_list("handler__username", flat=True)) == {"lina"}
    assert Notification.objects.filter(recipient=lina, event="ticket_assigned").count() == 1


# ---- notes and attachments ----------------------------------------------------------------------------

SIGNATURES = {".jpg": b"\xff\xd8\xff\xe0", ".png": b"\x89PNG\r\n\x1a\n", ".pdf": b"%PDF-1.7\n"}


def upload(name, size=100, content=None):
    head = content if content is not None else SIGNATURES.get(name[name.rfind("."):].lower(), b"")
    return SimpleUploadedFile(name, (head + b"x" * size)[:size], content_type="application/octet-stream")


def test_a_note_with_attachments_is_kept(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ticket = make_ticket(registered_by=people.sales)
    note = notes.add_note(ticket, text="客户来电: box crushed", channel="phone", actor=people.sales,
                             files=[upload("photo.JPG"), upload("receipt.pdf")])
    assert [a.original_name for a in note.attachments.all()] == ["photo.JPG", "receipt.pdf"]
    assert note.attachments.first().content_type == "image/jpeg"
    with pytest.raises(AppendOnlyError):
        note.save()


@pytest.mark.parametrize("bad", ["virus.exe", "page.html", "script.js", "noextension"])
def test_wrong_type_attachments_are_refused_and_nothing_is_written(people, settings, tmp_path, bad):
    settings.MEDIA_ROOT = tmp_path
    ticket = make_ticket(registered_by=people.sales)
    with pytest.raises(ValidationError) as error:
        notes.add_note(ticket, text="see file", channel="chat", actor=people.sales,
                          files=[upload("ok.png"), upload(bad)])
    assert "not accepted" in " ".join(error.value.message_dict["files"])
    assert not TicketNote.objects.exists() and not TicketAttachment.objects.exists()
    assert not list(tmp_path.rglob("*.*"))


def test_oversized_attachments_are_refused_with_a_clear_message(people, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(notes, "MAX_ATTACHMENT_BYTES", 1024 * 1024)
    ticket = make_ticket(registered_by=people.sales)
    with pytest.raises(ValidationError) as error:
        notes.add_note(ticket, text="big scan", channel="email", actor=people.sales,
                          files=[upload("scan.pdf", size=1024 * 1024 + 1)])
    assert "at most 1 MB" in " ".join(error.value.message_dict["files"])
    assert not TicketNote.objects.exists()


def test_the_default_attachment_limit_is_ten_megabytes():
    assert notes.MAX_ATTACHMENT_BYTES == 10 * 1024 * 1024


def test_a_program_renamed_to_an_image_is_refused(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ticket = make_ticket(registered_by=people.sales)
    with pytest.raises(ValidationError) as error:
        notes.add_note(ticket, text="photo", channel="chat", actor=people.sales,
                          files=[upload("photo.png", content=b"MZ\x90\x00")])
    assert "does not look like a .png file" in " ".join(error.value.message_dict["files"])
    assert not TicketNote.objects.exists()


def test_if_saving_the_note_fails_no_file_is_left_behind(people, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    ticket = make_ticket(registered_by=people.sales)

    def broken_save(self, *args, **kwargs):
        raise IntegrityError("disk full of rows")

    monkeypatch.setattr(TicketAttachment, "save", broken_save)
    with pytest.raises(IntegrityError):
        notes.add_note(ticket, text="scan", channel="email", actor=people.sales, files=[upload("scan.pdf")])
    assert not TicketNote.objects.exists()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
