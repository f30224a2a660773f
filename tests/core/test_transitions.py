"""The transition log: every transition of any document is logged with who and why, the log is never
changed, and `perform`/`perform_many` is the one checked way to run a transition: one conditional UPDATE
on the state plus one insert of the log rows, whatever the number of documents."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, models, transaction
from django.template import Context, Template
from django_fsm import (
    ConcurrentTransition,
    FSMField,
    TransitionNotAllowed,
    transition,
)

from core.append_only import AppendOnlyError
from core.models import TransitionLog
from core.transitions import perform, perform_many, timeline_for, transition_label


class Ticket(models.Model):
    """A stand-in document with the project's conventions; its table exists only in the test database."""

    state = FSMField(
        default="draft",
        protected=True,
        choices=[("draft", "Draft"), ("submitted", "Submitted"), ("approved", "Approved")],
    )
    note = models.CharField(max_length=50, blank=True)

    class Meta:
        app_label = "tests_core"

    def __str__(self):
        return f"ticket {self.pk}"

    @transition(field=state, source="draft", target="submitted", custom={"label": "Submit"})
    def submit(self, *, by=None, comment=""):
        pass

    @transition(
        field=state,
        source="submitted",
        target="approved",
        permission="tests_core.approve_ticket",
        conditions=[lambda ticket: ticket.note != "on hold"],
    )
    def approve(self, *, by=None, comment="", note=""):
        if note:
            self.note = note


@pytest.fixture(scope="module")
def ticket_table(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with connection.schema_editor() as editor:
            editor.create_model(Ticket)
        # Created once, outside the tests' transactions, like the content types of installed apps
        # (ContentType.objects caches it across tests).
        ContentType.objects.clear_cache()
        ContentType.objects.get_for_model(Ticket)
        yield
        with connection.schema_editor() as editor:
            editor.delete_model(Ticket)


@pytest.fixture
def approver(db, make_user, ticket_table):
    user = make_user("approver", username="ann")
    permission, _ = Permission.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(Ticket),
        codename="approve_ticket",
        defaults={"name": "Can approve ticket"},
    )
    user.user_permissions.add(permission)
    return type(user).objects.get(pk=user.pk)  # fresh: no cached permissions


@pytest.fixture
def clerk(db, make_user, ticket_table):
    return make_user("sales", username="sam")


def fetch(ticket):
    return Ticket.objects.get(pk=ticket.pk)  # refresh_from_db() skips protected FSM fields


def test_every_transition_is_logged_with_actor_and_comment(clerk, approver):
    ticket = Ticket.objects.create()
    perform(ticket, "submit", actor=clerk, comment="请审核 please check")
    perform(fetch(ticket), "approve", actor=approver)

    entries = list(timeline_for(ticket))
    assert [(e.transition, e.source, e.target, e.actor, e.comment) for e in entries] == [
        ("submit", "draft", "submitted", clerk, "请审核 please check"),
        ("approve", "submitted", "approved", approver, ""),
    ]
    assert all(e.created_at is not None for e in entries)


def test_a_transition_without_actor_is_logged_as_the_system(ticket_table, db):
    ticket = Ticket.objects.create()
    perform(ticket, "submit", actor=None)
    assert TransitionLog.objects.get().actor is None


def test_perform_writes_with_one_conditional_update_and_one_insert(clerk, approver, django_assert_num_queries):
    tickets = [Ticket.objects.create() for _ in range(3)]
    ContentType.objects.get_for_model(Ticket)  # cached, as in a running server
    approver.has_perm("tests_core.approve_ticket")  # permission cache warm: only the writes are counted
    with django_assert_num_queries(2) as captured:
        perform_many(tickets, "submit", actor=clerk, comment="batch")
    update, insert = (q["sql"] for q in captured.captured_queries)
    assert update.startswith("UPDATE") and "state" in update
    assert insert.startswith("INSERT") and "core_transitionlog" in insert
    assert [fetch(t).state for t in tickets] == ["submitted"] * 3
    assert TransitionLog.objects.filter(comment="batch", source="draft", target="submitted").count() == 3


def test_perform_many_writes_each_documents_own_values(clerk, approver):
    tickets = [Ticket.objects.create() for _ in range(2)]
    perform_many(tickets, "submit", actor=clerk)
    tickets = [fetch(t) for t in tickets]
    notes = {tickets[0].pk: "first", tickets[1].pk: "second"}
    perform_many(tickets, "approve", actor=approver, update_fields=["note"],
                 kwargs_for=lambda ticket: {"note": notes[ticket.pk]})
    assert {t.pk: (fetch(t).state, fetch(t).note) for t in tickets} == {
        pk: ("approved", note) for pk, note in notes.items()}


def test_perform_many_refuses_them_all_when_one_moved_meanwhile(clerk):
    tickets = [Ticket.objects.create() for _ in range(3)]
    stale = fetch(tickets[1])
    perform(stale, "submit", actor=clerk, comment="meanwhile")
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        perform_many(tickets, "submit", actor=clerk, comment="batch")
    assert [fetch(t).state for t in tickets] == ["draft", "submitted", "draft"]
    assert [e.comment for e in TransitionLog.objects.all()] == ["meanwhile"]


def test_a_transition_method_called_directly_is_not_logged_perform_is_the_way(clerk):
    """Services never call a transition method themselves: only the runner writes the state and logs."""
    ticket = Ticket.objects.create()
    ticket.submit(by=clerk, comment="direct")
    assert not TransitionLog.objects.exists()
    assert fetch(ticket).state == "draft"


def test_perform_saves_the_state_and_the_named_fields_only(clerk, approver):
    ticket = Ticket.objects.create()
    perform(ticket, "submit", actor=clerk)
    ticket = fetch(ticket)
    Ticket.objects.filter(pk=ticket.pk).update(note="typed meanwhile")
    perform(ticket, "approve", actor=approver, note="ok", update_fields=["note"])
    assert (fetch(ticket).state, fetch(ticket).note) == ("approved", "ok")


def test_perform_refuses_a_transition_from_the_wrong_state(clerk, approver):
    ticket = Ticket.objects.create()
    with pytest.raises(TransitionNotAllowed, match="Cannot approve .* while it is Draft"):
        perform(ticket, "approve", actor=approver)
    assert fetch(ticket).state == "draft"
    assert not TransitionLog.objects.exists()


def test_perform_refuses_when_conditions_are_not_met(clerk, approver):
    ticket = Ticket.objects.create(note="on hold")
    perform(ticket, "submit", actor=clerk)
    with pytest.raises(TransitionNotAllowed, match="conditions are not met"):
        perform(fetch(ticket), "approve", actor=approver)


def test_perform_refuses_a_user_without_the_transition_permission(clerk):
    ticket = Ticket.objects.create()
    perform(ticket, "submit", actor=clerk)
    with pytest.raises(PermissionDenied):
        perform(fetch(ticket), "approve", actor=clerk)
    with pytest.raises(PermissionDenied):
        perform(fetch(ticket), "approve", actor=None)
    assert fetch(ticket).state == "submitted"
    assert TransitionLog.objects.count() == 1


def test_perform_rejects_a_method_that_is_not_a_transition(clerk):
    with pytest.raises(TypeError):
        perform(Ticket.objects.create(), "save", actor=clerk)


def test_a_concurrent_change_raises_and_leaves_no_log_row(clerk):
    ticket = Ticket.objects.create()
    first, second = fetch(ticket), fetch(ticket)
    perform(first, "submit", actor=clerk, comment="first")
    # perform takes no savepoint of its own: the failure rolls back the caller's atomic block (a
    # service's), log row included, and the transaction around it goes on.
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        perform(second, "submit", actor=clerk, comment="second")
    assert [e.comment for e in timeline_for(ticket)] == ["first"]


def test_the_log_refuses_to_change_or_delete_rows(clerk):
    ticket = Ticket.objects.create()
    perform(ticket, "submit", actor=clerk, comment="original")
    entry = TransitionLog.objects.get()
    entry.comment = "rewritten"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        TransitionLog.objects.filter(pk=entry.pk).update(comment="rewritten")
    with pytest.raises(AppendOnlyError):
        TransitionLog.objects.all().delete()
    assert TransitionLog.objects.get().comment == "original"


@pytest.mark.postgres
def test_postgresql_refuses_raw_updates_and_deletes_of_the_log(clerk):
    ticket = Ticket.objects.create()
    perform(ticket, "submit", actor=clerk)
    for statement in ("UPDATE core_transitionlog SET comment = 'x'", "DELETE FROM core_transitionlog"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
            cur.execute(statement)
    assert TransitionLog.objects.count() == 1


def test_timeline_reads_the_log_and_actors_in_one_query(clerk, approver, django_assert_num_queries):
    ticket = Ticket.objects.create()
    perform(ticket, "submit", actor=clerk)
    perform(fetch(ticket), "approve", actor=approver)
    ContentType.objects.get_for_model(Ticket)  # cached from here on, as in a running server
    with django_assert_num_queries(1):
        assert [e.actor.username for e in timeline_for(ticket)] == ["sam", "ann"]


def test_the_timeline_include_shows_who_when_from_to_and_comment(clerk, approver):
    ticket = Ticket.objects.create()
    perform(ticket, "submit", actor=clerk, comment="请审核")
    perform(fetch(ticket), "approve", actor=approver)
    html = Template('{% include "core/timeline.html" with object=ticket %}').render(Context({"ticket": ticket}))
    assert "Submit" in html and "Draft → Submitted" in html and "请审核" in html
    assert "Submitted → Approved" in html
    assert html.index("sam") < html.index("ann")
    assert html == Template("{% load core_timeline %}{% timeline ticket %}").render(Context({"ticket": ticket}))


def test_the_timeline_of_a_document_without_transitions_says_so(ticket_table, db):
    html = Template('{% include "core/timeline.html" with object=t %}').render(
        Context({"t": Ticket.objects.create()})
    )
    assert "No changes of state yet." in html


def test_timeline_labels_come_from_the_transition_or_the_models_log_labels_and_are_translated():
    from django.utils import translation

    from orders.models import Order
    from reconciliation.models import Statement

    assert transition_label(Order, "cancel") == "Cancel order"
    assert transition_label(Statement, "build") == "Build statement"  # a log row with no transition method
    with translation.override("zh-hans"):
        assert transition_label(Order, "derive_fulfilment_status") == "发货状态已更新"
