"""Invoices and cancellation over the API, under /api/v1/orders/{id}/ (nested in orders.api's router):

- `GET  /orders/{id}/invoice` → the order's invoice (404 with a sentence when it has none).
- `POST /orders/{id}/invoice` → invoice a received order, through orders.invoices and the same form
  validation as the page (invoice_views.InvoiceForm):
  commercial: `kind=commercial` (optional `issued_on`, default today), JSON or form-encoded; Consign numbers it.
  VAT: multipart/form-data with `kind` (general_vat / special_vat), `number`, `issued_on`, `amount`
  and `file` (the e-invoice: PDF, OFD or XML, ≤ 10 MB).
  201 with the invoice. A retried VAT request (same order, type and number) → 200 with the existing
  invoice. 400 bad fields · 403 without `orders.record_invoice` · 404 no such order · 409 the order is
  not received, is already invoiced, or the invoice no. is taken.
(`POST /orders/{id}/cancel` is in orders/api.py.)"""

import json
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status

from core.api import Conflict, ErrorOut, FormInvalid, require_permissions
from core.forms import add_service_errors
from core.idempotency import idempotent

from . import invoices
from .models import Invoice, InvoiceKind, Order

router = Router(tags=["invoices"])

MULTIPART_BODY = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["kind"],
                    "properties": {
                        "kind": {"type": "string", "enum": list(InvoiceKind.values)},
                        "issued_on": {"type": "string", "format": "date"},
                        "number": {"type": "string", "description": "VAT: the number printed by the tax system"},
                        "amount": {"type": "string", "description": "VAT: the invoiced amount (2 decimals)"},
                        "file": {"type": "string", "format": "binary", "description": "VAT: PDF, OFD or XML"},
                    },
                },
            },
            "application/json": {
                "schema": {"type": "object", "required": ["kind"],
                           "properties": {"kind": {"type": "string", "enum": [InvoiceKind.COMMERCIAL]},
                                          "issued_on": {"type": "string", "format": "date"}}},
            },
        },
    },
}


class InvoiceOut(Schema):
    """An order's invoice 发票."""

    id: int
    order: int
    order_no: str
    kind: str
    number: str
    issued_on: date
    amount: Decimal
    file_url: str | None
    recorded_by: str
    recorded_at: datetime

    @staticmethod
    def from_invoice(invoice):
        has_file = invoice.is_commercial or bool(invoice.file)
        return {
            "id": invoice.pk, "order": invoice.order_id, "order_no": invoice.order.external_order_no,
            "kind": invoice.kind, "number": invoice.number, "issued_on": invoice.issued_on,
            "amount": invoice.amount,
            "file_url": reverse("orders:invoice_file", args=[invoice.pk]) if has_file else None,
            "recorded_by": invoice.created_by.username, "recorded_at": invoice.created_at,
        }


def _order(order_id):
    order = Order.objects.select_related("store").filter(pk=order_id).first()
    if order is None:
        raise Http404
    return order


def _invoice_of(order):
    return Invoice.objects.select_related("order", "created_by").filter(order=order).first()


@router.get("/{order_id}/invoice", response={200: InvoiceOut, 404: ErrorOut})
def get_invoice(request, order_id: int):
    """The order's invoice; 404 with a sentence when it has none."""
    require_permissions(request, "orders.view_order", "orders.view_invoice")
    order = _order(order_id)
    invoice = _invoice_of(order)
    if invoice is None:
        return Status(404, {"detail": _("Order %(no)s has no invoice.") % {"no": order.external_order_no}})
    return InvoiceOut.from_invoice(invoice)


def _submitted_data(request):
    """(data, files) from a multipart / form-encoded body, or from a JSON object (no file then)."""
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise FormInvalid(_bad_json_form())
        return {k: ("" if v is None else str(v)) for k, v in body.items()}, {}
    return request.POST, request.FILES


def _bad_json_form():
    from .invoice_views import InvoiceForm

    form = InvoiceForm(data={})
    form.is_valid()
    form.errors.clear()
    form.add_error(None, _("The body must be a JSON object."))
    return form


@router.post("/{order_id}/invoice", response={200: InvoiceOut, 201: InvoiceOut, 400: ErrorOut},
             openapi_extra=MULTIPART_BODY)
@idempotent
def post_invoice(request, order_id: int):
    """Record a VAT invoice (multipart with the e-invoice file) or issue a commercial invoice."""
    from .invoice_views import InvoiceForm

    require_permissions(request, "orders.view_order", invoices.RECORD_PERMISSION)
    order = _order(order_id)
    data, files = _submitted_data(request)
    if not data.get("issued_on"):  # the API's default, as the page's initial value: today
        data = data.copy()
        data["issued_on"] = timezone.localdate().isoformat()
    form = InvoiceForm(data, files)
    if not form.is_valid():
        raise FormInvalid(form)
    cleaned = form.cleaned_data
    kind = cleaned["kind"]
    existing = _invoice_of(order)
    if existing is not None:
        number = "".join(str(cleaned.get("number") or "").split())
        if kind != InvoiceKind.COMMERCIAL and existing.kind == kind and existing.number == number:
            return Status(200, InvoiceOut.from_invoice(existing))  # a retried request
        raise Conflict(_("Order %(no)s is already invoiced (%(invoice)s).")
                       % {"no": order.external_order_no, "invoice": existing})
    try:
        if kind == InvoiceKind.COMMERCIAL:
            invoice = invoices.issue_commercial_invoice(order=order, actor=request.user,
                                                        issued_on=cleaned["issued_on"])
        else:
            invoice = invoices.record_vat_invoice(
                order=order, kind=kind, number=cleaned["number"], issued_on=cleaned["issued_on"],
                amount=cleaned["amount"], file=cleaned["file"], actor=request.user)
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):  # not invoiceable now: not received / already invoiced / total 0
            raise Conflict(" ".join(exc.messages)) from exc
        number_taken = "number" in exc.error_dict and Invoice.objects.filter(
            kind=kind, number="".join(str(cleaned.get("number") or "").split())).exists()
        if number_taken:
            raise Conflict(" ".join(exc.message_dict["number"])) from exc
        add_service_errors(form, exc)
        raise FormInvalid(form) from exc
    return Status(201, InvoiceOut.from_invoice(_invoice_of(invoice.order)))
