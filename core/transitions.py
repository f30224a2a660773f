"""The transition log, and the one helper through which services run a django-fsm transition.

Convention (every app follows it):

- A transition method takes keyword arguments `by` (the acting user, or None for the system) and
  `comment` (optional, "" by default), plus whatever else it needs, and has no side effects beyond
  setting fields on the instance (keep notifications, ledger rows etc. in the service)::

      @transition(field=state, source=State.SUBMITTED, target=State.APPROVED,
                  permission="shipments.approve_shipment", custom={"label": _("Approve")})
      def approve(self, *, by=None, comment=""):
          self.approved_by = by

- A service runs it with `perform`, inside its own `transaction.atomic()`::

      perform(shipment, "approve", actor=actor, comment=comment, update_fields=["approved_by"])

  `perform` checks `can_proceed` (→ `TransitionNotAllowed`) and `has_transition_perm`
  (→ `PermissionDenied`), runs the method with `by`/`comment`, saves the state field plus the
  `update_fields` given, and returns the instance. On a model with `ConcurrentTransitionMixin`, a
  concurrent change raises `django_fsm.ConcurrentTransition` and the whole atomic block (log row
  included) is rolled back.

- The `post_transition` receiver below writes one `TransitionLog` row for EVERY transition of any
  model, taking the actor from `by` and the comment from `comment`. The row is written when the
  transition runs (in memory), so always run transition + save in one atomic block, as `perform`
  does; a transition on a not-yet-saved instance is logged when the instance is first saved.

- Show the history on a page with `{% include "core/timeline.html" with object=obj %}`, or
  `{% load core_timeline %}{% timeline obj %}` (same template). Selector: `timeline_for(obj)`.
"""

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models.signals import post_save, pre_save
from django.db.models.sql import UpdateQuery
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import (
    ConcurrentTransition,
    ConcurrentTransitionMixin,
    FSMFieldMixin,
    TransitionNotAllowed,
    can_proceed,
    has_transition_perm,
)
from django_fsm.signals import post_transition

from .models import TransitionLog

__all__ = ["TransitionLog", "perform", "timeline_for", "state_label", "transition_label"]


def _state_field(instance, meta):
    field = meta.field
    if isinstance(field, str):
        field = instance._meta.get_field(field)
    return field


def perform(instance, name, *, actor, comment="", update_fields=(), **kwargs):
    """Run transition `name` on `instance` as `actor`, save it, and return it (see module docstring).

    Extra keyword arguments go to the transition method; `update_fields` names the fields, besides
    the state field, that the method sets and that must be saved."""
    method = getattr(instance, name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        raise TypeError(f"{type(instance).__name__}.{name} is not a django-fsm transition")
    field = _state_field(instance, meta)
    # The checks write nothing, so they run before the atomic block: a refusal leaves the caller's
    # transaction usable (e.g. a print run that skips a shipment changed meanwhile and goes on).
    current = field.get_state(instance)
    if not can_proceed(method):
        if meta.has_transition(current):
            message = _("Cannot %(transition)s %(document)s now: its conditions are not met.")
        else:
            message = _("Cannot %(transition)s %(document)s while it is %(state)s.")
        raise TransitionNotAllowed(
            message
            % {
                "document": f"{instance._meta.verbose_name} {instance}",
                "transition": transition_label(type(instance), name).lower(),
                "state": state_label(type(instance), current),
            },
            object=instance,
            method=method,
        )
    if not has_transition_perm(method, actor or AnonymousUser()):
        raise PermissionDenied(
            _("You may not %(transition)s this %(document)s.")
            % {
                "transition": transition_label(type(instance), name).lower(),
                "document": instance._meta.verbose_name,
            }
        )
    # No savepoint of its own: inside a service's block the log row and the save commit or roll back
    # with the service's other writes anyway. A failure here (ConcurrentTransition, a database error)
    # marks the enclosing transaction for rollback; a caller that wants to go on after one wraps the
    # service call in its own atomic block (every service has one), which is where the savepoint is.
    # Outside any transaction this block is the transaction (log row + save together).
    with transaction.atomic(savepoint=False):
        fields = [field.name, *(f for f in update_fields if f != field.name)]
        if not _can_fold(instance):
            method(by=actor, comment=comment, **kwargs)
            instance.save(update_fields=fields)
            return instance
        # PostgreSQL: the log row is held back while the method runs, then written by the same statement
        # as the conditional UPDATE (_save_with_log) — one round trip less per transition.
        instance.__dict__["_defer_transition_log"] = True
        try:
            method(by=actor, comment=comment, **kwargs)
        finally:
            instance.__dict__.pop("_defer_transition_log", None)
        entries = instance.__dict__.pop("_pending_transition_logs", [])
        if len(entries) == 1 and _save_with_log(instance, fields, entries[0]):
            return instance
        if entries:
            _write(instance, entries)
        instance.save(update_fields=fields)
    return instance


def _can_fold(instance):
    return (
        isinstance(instance, ConcurrentTransitionMixin)
        and instance.pk is not None
        and not instance._meta.parents
        and connections[instance._state.db or DEFAULT_DB_ALIAS].vendor == "postgresql"
    )


def _save_with_log(instance, fields, entry):
    """Save `fields` of `instance` with the ConcurrentTransitionMixin's conditional UPDATE (pk and the
    state(s) as loaded) and insert the log row `entry` in ONE statement:
    WITH u AS (UPDATE … WHERE pk = … AND state = <as loaded> RETURNING 1) INSERT … SELECT … FROM u.
    The log row exists exactly when the update matched. Sends pre_save/post_save as save() does.
    Returns False (nothing done) when a field name is not a plain concrete field."""
    model = type(instance)
    meta = model._meta
    by_name = {}
    for f in meta.concrete_fields:
        by_name[f.name] = by_name[f.attname] = f
    if any(name not in by_name or by_name[name].primary_key for name in fields):
        return False
    using = instance._state.db or DEFAULT_DB_ALIAS
    connection = connections[using]
    update_fields = frozenset(by_name[name].name for name in fields)
    pre_save.send(sender=model, instance=instance, raw=False, using=using, update_fields=update_fields)
    values = [(by_name[name], None, by_name[name].pre_save(instance, False)) for name in fields]
    initial = instance._ConcurrentTransitionMixin__initial_states
    state_filter = {f.attname: initial[f.attname] for f in instance.state_fields}
    query = model._base_manager.using(using).filter(pk=instance.pk, **state_filter).query.chain(UpdateQuery)
    query.add_update_fields(values)
    update_sql, update_params = query.get_compiler(using).as_sql()
    now = timezone.now()
    content_type = ContentType.objects.db_manager(using).get_for_model(instance)
    qn = connection.ops.quote_name
    columns = ["content_type_id", "object_id", "transition", "source", "target", "actor_id", "comment",
               "created_at"]
    actor_id = entry.actor.pk if entry.actor is not None else None
    sql = (f"WITH u AS ({update_sql} RETURNING 1) INSERT INTO {qn(TransitionLog._meta.db_table)} "
           f"({', '.join(qn(c) for c in columns)}) SELECT {', '.join(['%s'] * len(columns))} FROM u "
           f"RETURNING {qn('id')}")
    params = [*update_params, content_type.pk, str(instance.pk), entry.transition, entry.source, entry.target,
              actor_id, entry.comment, now]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        if model._base_manager.using(using).filter(pk=instance.pk).exists():
            raise ConcurrentTransition(
                "Cannot save object! The state has been changed since fetched from the database!"
            )
        raise DatabaseError("Save with update_fields did not affect any rows.")
    entry.content_type, entry.object_id, entry.created_at, entry.pk = content_type, str(instance.pk), now, row[0]
    entry._state.adding, entry._state.db = False, using
    instance._update_initial_state()
    post_save.send(sender=model, instance=instance, created=False, update_fields=update_fields, raw=False,
                   using=using)
    return True


@receiver(post_transition, dispatch_uid="core.transitions.log_transition")
def log_transition(sender, instance, name, source, target, method_kwargs=None, **extra):
    method_kwargs = method_kwargs or {}
    entry = TransitionLog(
        transition=name,
        source="" if source is None else str(source),
        target=str(source if target is None else target),
        actor=method_kwargs.get("by"),
        comment=method_kwargs.get("comment", "") or "",
    )
    if instance.pk is None or instance.__dict__.get("_defer_transition_log"):
        # Logged by perform's folded save (see _save_with_log), or once the instance has a primary key (see flush_pending_logs).
        instance.__dict__.setdefault("_pending_transition_logs", []).append(entry)
        return
    _write(instance, [entry])


@receiver(post_save, dispatch_uid="core.transitions.flush_pending_logs")
def flush_pending_logs(sender, instance, **kwargs):
    pending = instance.__dict__.pop("_pending_transition_logs", None)
    if pending:
        _write(instance, pending)


def _write(instance, entries):
    content_type = ContentType.objects.get_for_model(instance)
    for entry in entries:
        entry.content_type = content_type
        entry.object_id = str(instance.pk)
    if len(entries) == 1:
        entries[0].save()
    else:
        TransitionLog.objects.bulk_create(entries)


def timeline_for(obj):
    """The transition log of one document, oldest first, with the actors."""
    return (
        TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )
        .select_related("actor")
        .order_by("created_at", "pk")
    )


def state_label(model, value):
    """The display label of a state value of any FSM field of `model` (the value itself if unknown)."""
    for field in model._meta.get_fields():
        if isinstance(field, FSMFieldMixin) and field.choices:
            for choice, label in field.flatchoices:
                if str(choice) == str(value):
                    return str(label)
    return str(value)


def transition_label(model, name):
    """`custom={"label": …}` of the transition method if given, then the model's `log_labels` (for log
    rows written without a transition method, such as a statement's build), else the name made readable."""
    method = getattr(model, name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is not None:
        for transition in meta.transitions.values():
            if transition.custom.get("label"):
                return str(transition.custom["label"])
    if name in getattr(model, "log_labels", {}):
        return str(model.log_labels[name])
    return name.replace("_", " ").capitalize()
