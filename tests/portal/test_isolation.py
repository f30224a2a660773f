"""Isolation (issue 14, "What it must show"): a supplier user, walking EVERY URL pattern of the project and
EVERY operation of the API with the ids of ANOTHER supplier's shipments, tickets, notes, attachments,
statements, entries, PDF jobs, notifications and import batches, gets 404 on every portal page and portal
API operation, and the redirect to its portal (pages) or 403 (API) on everything internal. A route this
test does not know fails it: add it to PORTAL_PAGES / PUBLIC_PAGES / API_PARAMS with the right ids."""

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import resolve, reverse

from accounts.tokens import create_token
from aftersales.notes import add_note
from aftersales.services import submit_ticket
from config.api import api
from core.access import Access, view_declaration
from core.models import PdfJob, PdfJobState
from portal.importing import DropShipDispatchImporter
from reconciliation import statements
from reconciliation.models import Statement, SupplierAccountEntry
from shipments.dispatching import dispatch_shipment
from shipments.models import Shipment
from tests.accounts.test_url_walk import walk
from tests.aftersales.factories import make_ticket
from tests.factories import SupplierFactory
from tests.notifications.factories import NotificationFactory
from tests.reconciliation.factories import MIXED, build, post_entries

from .factories import approved_drop_ship, supplier_user

pytestmark = pytest.mark.django_db


class Theirs:
    """Another supplier's records, one of each kind a URL or API path may name."""


@pytest.fixture
def theirs(make_user):
    t = Theirs()
    t.drop_ship = approved_drop_ship()
    t.supplier = t.drop_ship.supplier
    t.user = supplier_user(t.supplier)
    dispatched = approved_drop_ship()
    Shipment.objects.filter(pk=dispatched.pk).update(supplier=t.supplier)
    t.dispatched = dispatch_shipment(Shipment.objects.get(pk=dispatched.pk), actor=dispatched.world.sales,
                                     carrier=dispatched.world.carrier, tracking_number="THEIRS-1")
    t.entry = SupplierAccountEntry.objects.filter(supplier=t.supplier).first()
    ticket = make_ticket(supplier=t.supplier)
    submit_ticket(ticket, actor=ticket.registered_by)
    t.ticket = ticket
    t.note = add_note(ticket, text="for them only", channel="chat", actor=ticket.registered_by,
                      visible_to_supplier=True, files=[ContentFile(b"%PDF-1.4\n%%EOF\n", name="theirs.pdf")])
    t.attachment = t.note.attachments.get()
    finance = make_user("finance")
    statement = build(t.supplier, post_entries(t.supplier, MIXED), finance)
    statements.submit_statement(statement, actor=finance)
    statements.approve_statement(Statement.objects.get(pk=statement.pk), actor=make_user("finance_supervisor"))
    t.statement = Statement.objects.get(pk=statement.pk)
    t.job = PdfJob.objects.create(kind="test", created_by=t.user, state=PdfJobState.DONE)
    t.job.file.save(f"job-{t.job.pk}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    t.job.save(update_fields=["file"])
    t.notification = NotificationFactory(recipient=t.user)
    carrier = dispatched.world.carrier.code
    t.batch = DropShipDispatchImporter(t.supplier).parse(SimpleUploadedFile(
        "d.csv", f"shipment no.,carrier code,tracking no.\n{t.drop_ship.number},{carrier},X1\n".encode()),
        actor=t.user)
    t.marks = [t.drop_ship.number, t.dispatched.number, "THEIRS-1", "for them only", "theirs.pdf",
               t.ticket.number, t.statement.number if hasattr(t.statement, "number") else f">{t.statement.pk}<"]
    return t


@pytest.fixture
def mine(client):
    supplier = SupplierFactory()
    user = supplier_user(supplier)
    client.force_login(user)
    return user


# ---- pages ----------------------------------------------------------------------------------------------
# Every portal page (access SUPPLIER): the kwargs naming another supplier's record (404), or None for a
# page without one (it answers 200 and shows none of their records).
PORTAL_PAGES = {
    "portal:home": None,
    "portal:dropship_list": None,
    "portal:dropship_detail": lambda t: {"pk": t.drop_ship.pk},
    "portal:dispatch_import": None,
    "portal:dispatch_import_preview": lambda t: {"token": t.batch.token},
    "portal:ticket_list": None,
    "portal:ticket_detail": lambda t: {"pk": t.ticket.pk},
    "portal:attachment": lambda t: {"pk": t.attachment.pk},
    "portal:statement_list": None,
    "portal:statement_detail": lambda t: {"pk": t.statement.pk},
    "portal:statement_confirm": lambda t: {"pk": t.statement.pk},
    "portal:statement_dispute": lambda t: {"pk": t.statement.pk},
    "portal:statement_message": lambda t: {"pk": t.statement.pk},
    "portal:statement_pdf": lambda t: {"pk": t.statement.pk},
    "portal:balance": None,
    "portal:scorecard": None,
    # the user's own inbox: their notification's id is a 404; "mark all read" touches only the user's own
    "portal:inbox": None,
    "portal:inbox_open": lambda t: {"pk": t.notification.pk},
    "portal:inbox_mark_all_read": None,
}
# Argument-less POST-only pages acting on the user's own rows: GET 405, POST does its work (checked below).
OWN_ACTIONS = {"portal:inbox_mark_all_read"}
# Public pages: {name: (kwargs, status for a logged-in supplier user on GET)}.
PUBLIC_PAGES = {
    "accounts:root": ({}, 302),
    "accounts:login": ({}, 302),
    "accounts:logout": ({}, 405),
    "set_language": ({}, 302),
    "healthz": ({}, 200),
    "portal:accept": ({"token": "made-up"}, 410),
    "accounts:profile": ({}, 200),  # the user's own profile (its language)
}
# Internal pages are walked with the other supplier's ids where the URL takes one of these names.
INTERNAL_KWARGS = {
    "pk": lambda t: t.dispatched.pk, "user_pk": lambda t: t.user.pk, "supplier_pk": lambda t: t.supplier.pk,
    "line": lambda t: 1, "action": lambda t: "submit", "name": lambda t: "submit",
    "token": lambda t: t.batch.token, "path": lambda t: "x.pdf",
}


def made_up(kwargs):
    return {key: 987654321 if isinstance(value, int) else "made-up" for key, value in kwargs.items()}


def kwargs_for(route, theirs):
    return {name: INTERNAL_KWARGS[name](theirs) if name in INTERNAL_KWARGS else "unknown-parameter"
            for name in re.findall(r"<(?:\w+:)?(\w+)>", route)}


def test_every_page_answers_a_supplier_user_404_or_its_portal(client, mine, theirs):
    problems = []
    for name, route in walk():
        assert name, f"an unnamed URL pattern: /{route}"
        access, _perms = view_declaration(resolve(reverse(name, kwargs=kwargs_for(route, theirs))).func)
        if access == Access.SUPPLIER:
            if name not in PORTAL_PAGES:
                problems.append(f"{name}: a portal page this test does not know (add it to PORTAL_PAGES)")
                continue
            spec = PORTAL_PAGES[name]
            url = reverse(name, kwargs=spec(theirs) if spec else None)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                if spec is None:
                    if method == "get":
                        body = response.content.decode()
                        leaked = [m for m in theirs.marks if m and m in body]
                        if response.status_code != (405 if name in OWN_ACTIONS else 200) or leaked:
                            problems.append(f"{name}: {response.status_code}, shows {leaked}")
                elif response.status_code == 405:
                    # The page does not offer this method at all, whatever the id: nothing is told.
                    if getattr(client, method)(reverse(name, kwargs=made_up(spec(theirs)))).status_code != 405:
                        problems.append(f"{method.upper()} {url} ({name}): 405 for their record only")
                elif response.status_code != 404:
                    problems.append(f"{method.upper()} {url} ({name}): {response.status_code}, expected 404")
        elif access == Access.PUBLIC:
            if name not in PUBLIC_PAGES:
                problems.append(f"{name}: a public page this test does not know (add it to PUBLIC_PAGES)")
                continue
            kwargs, status = PUBLIC_PAGES[name]
            got = client.get(reverse(name, kwargs=kwargs or None)).status_code
            if got != status:
                problems.append(f"{name}: {got}, expected {status}")
        else:  # internal (declared or denied by default): the middleware sends a supplier to its portal
            url = reverse(name, kwargs=kwargs_for(route, theirs))
            if "unknown-parameter" in url:
                problems.append(f"{name}: an URL parameter this test does not know (add it to INTERNAL_KWARGS)")
                continue
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                if response.status_code != 302 or response.headers["Location"] != reverse("portal:home"):
                    problems.append(f"{method.upper()} {url} ({name}): {response.status_code}, expected its portal")
    assert not problems, "\n".join(problems)
    theirs.notification.refresh_from_db()
    assert theirs.notification.read_at is None  # their inbox untouched by opening or marking all read
    assert client.get(reverse("admin:index")).url.startswith(reverse("admin:login"))


def test_the_walk_knows_no_page_that_no_longer_exists():
    names = {name for name, _route in walk()}
    assert not set(PORTAL_PAGES) - names and not set(PUBLIC_PAGES) - names


# ---- the API ----------------------------------------------------------------------------------------------
PORTAL_API = "/api/v1/portal/"
# Path parameters → another supplier's ids (or, for internal endpoints, any value: they refuse first).
API_PARAMS = {
    "shipment_id": lambda t: t.drop_ship.pk, "statement_id": lambda t: t.statement.pk,
    "ticket_id": lambda t: t.ticket.pk, "order_id": lambda t: t.drop_ship.order_id,
    "pk": lambda t: t.supplier.pk, "receipt_id": lambda t: 1, "stocktake_id": lambda t: 1,
    "transfer_id": lambda t: 1, "line_id": lambda t: 1, "name": lambda t: "submit", "number": lambda t: t.dispatched.number,
    "carrier_code": lambda t: t.dispatched.carrier.code, "tracking_no": lambda t: "THEIRS-1",
    "entry_id": lambda t: t.entry.pk, "note_id": lambda t: t.note.pk, "job_id": lambda t: t.job.pk,
    "notification_id": lambda t: t.notification.pk, "attachment_id": lambda t: t.attachment.pk,
}
# A body good enough to pass the schema, so the answer is about access, not about the body.
API_BODIES = {
    "/dispatch": lambda t: {"carrier": t.dispatched.carrier.code, "tracking_number": "MINE-1"},
    "/dispute": lambda t: {"lines": [{"entry": t.statement.entries.first().pk, "reason": "not ours"}]},
}


def api_operations():
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    for path, operations in schema["paths"].items():
        for method in operations:
            yield path, method


def test_every_api_operation_answers_a_supplier_token_404_or_403(client, mine, theirs):
    _token, key = create_token(user=mine, name="ERP", actor=mine)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    problems = []
    entries_before = SupplierAccountEntry.objects.count()
    operations = list(api_operations())
    assert any(path.startswith(PORTAL_API) for path, _m in operations)
    for path, method in operations:
        params = re.findall(r"{(\w+)}", path)
        unknown = [p for p in params if p not in API_PARAMS]
        if unknown:
            problems.append(f"{method.upper()} {path}: parameters this test does not know: {unknown}")
            continue
        url = re.sub(r"{(\w+)}", lambda m: str(API_PARAMS[m.group(1)](theirs)), path)
        body = next((make(theirs) for suffix, make in API_BODIES.items() if path.endswith(suffix)), {})
        if method == "get":
            response = client.get(url, **headers)
        else:
            response = getattr(client, method)(url, body, content_type="application/json", **headers)
        status = response.status_code
        if path.startswith(PORTAL_API):
            if params:
                if status != 404:
                    problems.append(f"{method.upper()} {url}: {status}, expected 404")
            elif method == "get":
                text = response.content.decode()
                leaked = [m for m in theirs.marks if m and m in text]
                if status != 200 or leaked or f'"id": {theirs.drop_ship.pk},' in text:
                    problems.append(f"{method.upper()} {url}: {status}, shows {leaked}")
        elif status != 403:
            problems.append(f"{method.upper()} {url}: {status}, expected 403 (an internal endpoint)")
    assert not problems, "\n".join(problems)
    # Nothing of theirs moved.
    assert Shipment.objects.get(pk=theirs.drop_ship.pk).state == "approved"
    assert Statement.objects.get(pk=theirs.statement.pk).state == theirs.statement.state
    assert SupplierAccountEntry.objects.count() == entries_before
