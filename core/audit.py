"""Audit rows for the writes that are not transitions: assigning a ticket, editing one, adding or removing a
statement's entries, writing a derived status. Each is one row of the transition log (core.TransitionLog:
who, when, what, from, to, comment), so the document's timeline shows it beside its transitions, and it is
written by the service in the same transaction as the write it records: both are kept, or neither.

`event` names the write (the model's `log_labels` give its label on the timeline); `source` and `target` are
the values it changed (a status), or the document's state before and after when it changed none."""

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router
from django_fsm import FSMFieldMixin

from .models import TransitionLog

COMMENT_LIMIT = 2000


def state_of(document):
    """The value of the document's first FSM field (its state), or "" for a document without one."""
    for field in type(document)._meta.concrete_fields:
        if isinstance(field, FSMFieldMixin):
            return str(getattr(document, field.attname) or "")
    return ""


def record_events(documents, *, event, actor, comment="", source=None, target=None):
    """One log row per document for `event`, in one INSERT. Must run inside the transaction of the write it
    records (RuntimeError otherwise: an audit row that can outlive a rolled-back write, or miss a committed
    one, is no audit). `comment` may be a callable(document) -> text, for a different comment per document.
    Returns the rows."""
    documents = list(documents)
    if not documents:
        return []
    using = router.db_for_write(TransitionLog)
    if not connections[using].in_atomic_block:
        raise RuntimeError("core.audit: write the audit row inside the transaction of the write it records")
    content_type = ContentType.objects.db_manager(using).get_for_model(type(documents[0]))
    rows = []
    for document in documents:
        state = state_of(document)
        text = comment(document) if callable(comment) else comment
        rows.append(TransitionLog(
            content_type=content_type, object_id=str(document.pk), transition=event,
            source=state if source is None else str(source), target=state if target is None else str(target),
            actor=actor if getattr(actor, "pk", None) else None, comment=(text or "")[:COMMENT_LIMIT],
        ))
    return TransitionLog.objects.using(using).bulk_create(rows)


def record_event(document, *, event, actor, comment="", source=None, target=None):
    """`record_events` for one document; returns its row."""
    return record_events([document], event=event, actor=actor, comment=comment, source=source, target=target)[0]
