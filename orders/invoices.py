"""Invoices 发票 (DESIGN.md, "Invoice"): recording a VAT invoice issued by the tax system, issuing a
commercial invoice numbered by Consign, and rendering a commercial invoice to PDF.

Only a received order can be invoiced; the invoice moves it to `invoiced` (final: the order is complete)
through orders.services.set_fulfilment_status, in the same transaction as the invoice row.

Commercial invoice numbers are gap-free: the (prefix, year) row of InvoiceNumberSequence is locked with
SELECT … FOR UPDATE in the transaction that inserts the invoice, so concurrent issuers queue on it and a
rolled-back invoice rolls its number back with it. The PDF is rendered by the worker through a PDF job
(core.pdf, document kind "commercial_invoice"), never in a request and never inside that transaction
(which would hold the lock for the length of a render): issuing queues the job in its own transaction,
anyone who reads invoices may queue another (`request_invoice_pdf`, a POST), and the first job that
finishes stores its file on the invoice (`store_invoice_file`), so the document stays the same
afterwards. Opening an invoice (a GET) never writes."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import PdfJob, PdfJobState
from core.parsing import parse_money
from core.pdf import register_document, request_pdf_job

from .models import (
    VAT_INVOICE_KINDS,
    FulfilmentStatus,
    Invoice,
    InvoiceKind,
    InvoiceNumberSequence,
    Order,
    OrderLine,
)
from .services import set_fulfilment_status

RECORD_PERMISSION = "orders.record_invoice"
COMMERCIAL_PREFIX = "CI"
MAX_FILE_BYTES = 10 * 1024 * 1024
ALLOWED_EXTENSIONS = (".pdf", ".ofd", ".xml")
NUMBER_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]{0,39}$")
PDF_TEMPLATE = "pdf/commercial_invoice.html"
DOCUMENT_KIND = "commercial_invoice"
VIEW_PERMISSION = "orders.view_invoice"


@dataclass(frozen=True)
class IssuedNumber:
    prefix: str
    year: int
    sequence: int

    def __str__(self):
        return f"{self.prefix}{self.year}-{self.sequence:06d}"


def order_total(order):
    """Sum of quantity × unit price over the order's lines (Decimal, 2 places), counting the ordered units
    less the closed-short ones (what was shipped of an order closed short)."""
    remaining = F("quantity") - F("closed_short_quantity")
    total = OrderLine.objects.filter(order=order).aggregate(total=Sum(remaining * F("unit_price")))["total"]
    return (total or Decimal("0")).quantize(Decimal("0.01"))


def validate_invoice_file(upload):
    """An e-invoice file: PDF, OFD or XML, at most 10 MB, and its content must match its type.

    Raises ValidationError naming what is wrong; returns the file."""
    name = (getattr(upload, "name", "") or "").lower()
    if not name.endswith(ALLOWED_EXTENSIONS):
        raise ValidationError(_("The e-invoice file must be a PDF, OFD or XML file."), code="file_type")
    if upload.size > MAX_FILE_BYTES:
        raise ValidationError(_("The e-invoice file is larger than 10 MB."), code="file_size")
    if upload.size == 0:
        raise ValidationError(_("The e-invoice file is empty."), code="file_empty")
    upload.seek(0)
    head = upload.read(512)
    upload.seek(0)
    looks_right = {
        ".pdf": head.startswith(b"%PDF-"),
        ".ofd": head.startswith(b"PK\x03\x04"),  # OFD is a ZIP container
        ".xml": head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"),
    }[name[name.rfind("."):]]
    if not looks_right:
        raise ValidationError(_("The file's content does not match its type (%(ext)s).")
                              % {"ext": name[name.rfind("."):].upper().lstrip(".")}, code="file_content")
    return upload


def _clean_amount(amount):
    try:  # core.parsing.parse_money: the project's one money parser (never rounds)
        amount = parse_money(amount, minimum=Decimal("0.01"))
    except ValidationError as exc:
        if exc.code in ("max_digits", "max_decimal_places"):
            raise ValidationError({"amount": [_("The amount has at most 2 decimal places and 10 digits.")]}) from None
        raise ValidationError({"amount": [_("The amount must be above 0.")]}) from None
    return amount


def _check_invoiceable(order, actor):
    if actor is None or not actor.has_perm(RECORD_PERMISSION):
        raise PermissionDenied(_("You may not record invoices."))
    if order.fulfilment_status == FulfilmentStatus.INVOICED or Invoice.objects.filter(order=order).exists():
        raise ValidationError(_("Order %(no)s is already invoiced.") % {"no": order.external_order_no})
    if order.fulfilment_status != FulfilmentStatus.RECEIVED:
        raise ValidationError(
            _("Only a received order can be invoiced; order %(no)s is %(status)s.")
            % {"no": order.external_order_no, "status": order.get_fulfilment_status_display()}
        )


def _finish(order, invoice, actor):
    set_fulfilment_status(order, status=FulfilmentStatus.INVOICED, actor=actor,
                          comment=_("Invoice %(invoice)s") % {"invoice": invoice})


def record_vat_invoice(*, order, kind, number, issued_on, amount, file, actor):
    """Record a VAT invoice (普通/专用发票) issued by the tax system for a received order: its number,
    date, amount and e-invoice file. Moves the order to invoiced. Raises ValidationError (nothing
    written) or PermissionDenied (without `orders.record_invoice`)."""
    if kind not in VAT_INVOICE_KINDS:
        raise ValidationError({"kind": [_("Pick a VAT invoice type.")]})
    errors = {}
    number = "".join(str(number or "").split())
    if not NUMBER_PATTERN.match(number):
        errors["number"] = [_("The invoice no. is 1–40 letters, digits or hyphens.")]
    if issued_on is None:
        errors["issued_on"] = [_("The invoice date is required.")]
    elif issued_on > timezone.localdate():
        errors["issued_on"] = [_("The invoice date cannot be in the future.")]
    if file is None:
        errors["file"] = [_("Upload the e-invoice file (PDF, OFD or XML).")]
    else:
        try:
            validate_invoice_file(file)
        except ValidationError as exc:
            errors["file"] = exc.messages
    try:
        amount = _clean_amount(amount)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    taken = ValidationError({"number": [_("Invoice no. %(number)s is already recorded.") % {"number": number}]})
    invoice = None
    try:
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=order.pk)
            _check_invoiceable(order, actor)
            if Invoice.objects.filter(kind=kind, number=number).exists():
                raise taken
            invoice = Invoice(order=order, kind=kind, number=number, issued_on=issued_on, amount=amount,
                              created_by=actor)
            invoice.file.save(file.name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1], file, save=False)
            invoice.save()
            _finish(order, invoice, actor)
    except BaseException as exc:
        if invoice is not None and invoice.file:  # stored before the rollback: remove it again
            invoice.file.delete(save=False)
        if isinstance(exc, IntegrityError):  # the same number recorded at the same moment
            raise taken from exc
        raise
    return invoice


def next_commercial_number(*, year, prefix=COMMERCIAL_PREFIX):
    """Take the next number of (prefix, year). MUST run inside the transaction that inserts the
    invoice: the sequence row stays locked until it commits, and a rollback gives the number back."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_commercial_number() must run inside the invoice's transaction")
    # Make sure the row exists (ON CONFLICT DO NOTHING waits for a concurrent creator), then lock it.
    InvoiceNumberSequence.objects.bulk_create([InvoiceNumberSequence(prefix=prefix, year=year)],
                                              ignore_conflicts=True)
    sequence = InvoiceNumberSequence.objects.select_for_update().get(prefix=prefix, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return IssuedNumber(prefix=prefix, year=year, sequence=sequence.last_number)


def issue_commercial_invoice(*, order, actor, issued_on=None):
    """Issue a commercial invoice (cross-border stores) for a received order: the next gap-free number
    of the year, the order's total as amount. Moves the order to invoiced. Its PDF job is queued in the
    same transaction (rendered by the worker once committed; see `request_invoice_pdf`)."""
    issued_on = issued_on or timezone.localdate()
    if issued_on > timezone.localdate():
        raise ValidationError({"issued_on": [_("The invoice date cannot be in the future.")]})
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        _check_invoiceable(order, actor)
        amount = order_total(order)
        if amount <= 0:
            raise ValidationError(_("Order %(no)s has a total of 0; there is nothing to invoice.")
                                  % {"no": order.external_order_no})
        number = next_commercial_number(year=issued_on.year)
        invoice = Invoice.objects.create(order=order, kind=InvoiceKind.COMMERCIAL, number=str(number),
                                         issued_on=issued_on, amount=amount, created_by=actor)
        _finish(order, invoice, actor)
        _queue_pdf(invoice, actor)
    return invoice


def commercial_invoice_context(invoice):
    """What the commercial invoice PDF shows: seller, store, buyer (the recipient), lines, total."""
    order = invoice.order
    lines = list(order.lines.select_related("product").order_by("id"))
    return {
        "seller_name": settings.SELLER_NAME,
        "number": invoice.number,
        "issued_on": invoice.issued_on,
        "store": order.store.name,
        "order_no": order.external_order_no,
        "ordered_at": order.ordered_at,
        "buyer_name": order.recipient_name,
        "buyer_phone": order.recipient_phone,
        "buyer_address": order.recipient_address,
        # an order closed short is invoiced for the units that remain; a line closed short whole is left out
        "lines": [{"sku": line.product.sku, "name": line.product.name, "quantity": line.remaining_quantity,
                   "unit_price": line.unit_price, "amount": line.remaining_amount}
                  for line in lines if line.remaining_quantity],
        "total_quantity": sum(line.remaining_quantity for line in lines),
        "total": invoice.amount,
        "currency": "CNY",
    }


def request_invoice_pdf(invoice, *, actor):
    """Queue the commercial invoice's PDF (a core PdfJob of kind "commercial_invoice", rendered by the
    worker once the caller's transaction commits) for `actor`, who then follows it on the job page.
    Raises ValidationError for an invoice Consign does not render (a VAT invoice: its file is uploaded),
    PermissionDenied without `orders.view_invoice`."""
    if actor is None or not actor.has_perm(VIEW_PERMISSION):
        raise PermissionDenied(_("You may not see invoices."))
    if not invoice.is_commercial:
        raise ValidationError(_("Only a commercial invoice is rendered by Consign; a VAT invoice's file is "
                                "the one uploaded."))
    return _queue_pdf(invoice, actor)


def _queue_pdf(invoice, actor):
    return request_pdf_job(kind=DOCUMENT_KIND, parameters={"invoice": invoice.pk}, actor=actor)


def invoice_pdf_job(invoice, *, user):
    """The newest PDF job `user` asked for of this invoice (None when there is none): a read."""
    return (PdfJob.objects.filter(kind=DOCUMENT_KIND, parameters__invoice=invoice.pk, created_by=user)
            .order_by("-created_at", "-pk").first())


def build_commercial_invoice(job):
    """core.pdf builder: job.parameters {"invoice": pk} → the invoice's one page."""
    invoice = (Invoice.objects.select_related("order__store")
               .filter(pk=(job.parameters or {}).get("invoice"), kind=InvoiceKind.COMMERCIAL).first())
    yield PDF_TEMPLATE, [commercial_invoice_context(invoice)] if invoice else []


def store_invoice_file(sender, *, job, **kwargs):
    """pdf_job_finished receiver (in the worker's transaction that ends the job): the first finished job
    of a commercial invoice stores its PDF on the invoice; the stored file stands from then on."""
    if job.kind != DOCUMENT_KIND or job.state != PdfJobState.DONE or not job.file:
        return
    invoice = Invoice.objects.select_for_update().filter(pk=(job.parameters or {}).get("invoice")).first()
    if invoice is None or invoice.file:
        return
    with job.file.open("rb") as handle:
        invoice.file.save(f"{invoice.number}.pdf", ContentFile(handle.read()), save=False)
    invoice.save(update_fields=["file"])


def register():
    """Called by OrdersConfig.ready(): the document kind and the receiver that stores the file."""
    from django.utils.translation import gettext_lazy

    from core.pdf import pdf_job_finished

    register_document(DOCUMENT_KIND, build_commercial_invoice, label=gettext_lazy("Commercial invoice"))
    pdf_job_finished.connect(store_invoice_file, sender=PdfJob, dispatch_uid="orders.store_invoice_file")
