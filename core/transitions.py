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

__all__ = ["TransitionLog", "perform", "perform_many", "timeline_for", "state_label", "transition_label"]


def _state_field(instance, meta):
    field = meta.field
    if isinstance(field, str):
        field = instance._meta.get_field(field)
    return field


def _checked(instance, name, actor):
    """The transition method `name` of `instance`, after its checks: `can_proceed` (→ TransitionNotAllowed)
    and `has_transition_perm` (→ PermissionDenied). Returns (method, state field)."""
    method = getattr(instance, name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        raise TypeError(f"{type(instance).__name__}.{name} is not a django-fsm transition")
    field = _state_field(instance, meta)
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
    return method, field


def perform(instance, name, *, actor, comment="", update_fields=(), **kwargs):
    """Run transition `name` on `instance` as `actor`, save it, and return it (see module docstring).

    Extra keyword arguments go to the transition method; `update_fields` names the fields, besides
    the state field, that the method sets and that must be saved."""
    perform_many([instance], name, actor=actor, comment=comment, update_fields=update_fields,
                 kwargs_for=lambda _instance: kwargs)
    return instance


def perform_many(instances, name, *, actor, comment="", update_fields=(), kwargs_for=None):
    """`perform` for several instances of one model at once (a bulk action: approve the ticked
    shipments, a print run, a tracking file): every instance is checked first — the first refusal
    raises, naming its instance, and nothing is written —, then each method runs (with
    `kwargs_for(instance)` as extra keyword arguments, if given) and, on PostgreSQL, ONE statement saves
    them all with their log rows (_save_with_logs); elsewhere each is saved in turn. Returns the
    instances. The caller holds their rows locked, inside its own atomic block, as for `perform`."""
    instances = list(instances)
    if not instances:
        return instances
    # The checks write nothing, so they run before the atomic block: a refusal leaves the caller's
    # transaction usable (a caller may catch it and go on).
    checked = [_checked(instance, name, actor) for instance in instances]
    fields = [checked[0][1].name, *(f for f in update_fields if f != checked[0][1].name)]
    # No savepoint of its own: inside a service's block the log rows and the saves commit or roll back
    # with the service's other writes anyway. A failure here (ConcurrentTransition, a database error)
    # marks the enclosing transaction for rollback; a caller that wants to go on after one wraps the
    # service call in its own atomic block (every service has one), which is where the savepoint is.
    # Outside any transaction this block is the transaction (log rows + saves together).
    with transaction.atomic(savepoint=False):
        if not all(_can_fold(instance) for instance in instances):
            for instance, (method, _field) in zip(instances, checked, strict=True):
                method(by=actor, comment=comment, **(kwargs_for(instance) if kwargs_for else {}))
                instance.save(update_fields=fields)
            return instances
        # PostgreSQL: the log rows are held back while the methods run, then written by the same
        # statement as the conditional UPDATE (_save_with_logs) — one round trip for the lot.
        entries = []
        for instance, (method, _field) in zip(instances, checked, strict=True):
            instance.__dict__["_defer_transition_log"] = True
            try:
                method(by=actor, comment=comment, **(kwargs_for(instance) if kwargs_for else {}))
            finally:
                instance.__dict__.pop("_defer_transition_log", None)
            entries.append(instance.__dict__.pop("_pending_transition_logs", []))
        if all(len(pending) == 1 for pending in entries) and _save_with_logs(
                instances, fields, [pending[0] for pending in entries]):
            return instances
        for instance, pending in zip(instances, entries, strict=True):
            if pending:
                _write(instance, pending)
            instance.save(update_fields=fields)
    return instances


def _can_fold(instance):
    return (
        isinstance(instance, ConcurrentTransitionMixin)
        and instance.pk is not None
        and not instance._meta.parents
        and connections[instance._state.db or DEFAULT_DB_ALIAS].vendor == "postgresql"
    )


def _save_with_logs(instances, fields, entries):
    """Save `fields` of `instances` (one model, one database) with the ConcurrentTransitionMixin's
    conditional UPDATE (pk and the state(s) as loaded) and insert their log rows `entries`, in ONE
    statement:
      WITH v(pk, loaded states…, new values…, log source, log target) AS (VALUES …),
           u AS (UPDATE … FROM v WHERE pk = v.pk AND state = v.<as loaded> RETURNING pk)
      INSERT INTO log … SELECT … FROM u JOIN v …
    A log row exists exactly for each row the update matched; fewer matches than instances raise
    ConcurrentTransition (the caller's block rolls back). Sends pre_save/post_save as save() does.
    Returns False (nothing done) when a field name is not a plain concrete field."""
    model = type(instances[0])
    meta = model._meta
    by_name = {}
    for f in meta.concrete_fields:
        by_name[f.name] = by_name[f.attname] = f
    if any(name not in by_name or by_name[name].primary_key for name in fields):
        return False
    using = instances[0]._state.db or DEFAULT_DB_ALIAS
    if any(type(instance) is not model or (instance._state.db or DEFAULT_DB_ALIAS) != using
           for instance in instances):
        return False
    connection = connections[using]
    qn = connection.ops.quote_name
    update_fields = frozenset(by_name[name].name for name in fields)
    saved = [by_name[name] for name in fields]
    state_fields = list(instances[0].state_fields)
    pk = meta.pk

    def cell(field):
        return f"CAST(%s AS {field.cast_db_type(connection)})"

    row_sql = "(" + ", ".join([cell(pk), *(cell(f) for f in state_fields), *(cell(f) for f in saved),
                               "CAST(%s AS text)", "CAST(%s AS text)"]) + ")"
    names = ["pk", *(f"c{i}" for i in range(len(state_fields))), *(f"f{i}" for i in range(len(saved))),
             "log_source", "log_target"]
    params = []
    for instance, entry in zip(instances, entries, strict=True):
        pre_save.send(sender=model, instance=instance, raw=False, using=using, update_fields=update_fields)
        initial = instance._ConcurrentTransitionMixin__initial_states
        params += [pk.get_db_prep_value(instance.pk, connection),
                   *(f.get_db_prep_save(initial[f.attname], connection) for f in state_fields),
                   *(f.get_db_prep_save(f.pre_save(instance, False), connection) for f in saved),
                   entry.source, entry.target]
    now = timezone.now()
    content_type = ContentType.objects.db_manager(using).get_for_model(instances[0])
    entry = entries[0]
    table = qn(meta.db_table)
    assignments = ", ".join(f"{qn(f.column)} = v.f{i}" for i, f in enumerate(saved))
    matches = " AND ".join([f"t.{qn(pk.column)} = v.pk",
                            *(f"t.{qn(f.column)} = v.c{i}" for i, f in enumerate(state_fields))])
    columns = ["content_type_id", "object_id", "transition", "source", "target", "actor_id", "comment",
               "created_at"]
    sql = (f"WITH v ({', '.join(names)}) AS (VALUES {', '.join([row_sql] * len(instances))}), "
           f"u AS (UPDATE {table} AS t SET {assignments} FROM v WHERE {matches} RETURNING t.{qn(pk.column)} AS pk) "
           f"INSERT INTO {qn(TransitionLog._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "
           f"SELECT %s, CAST(v.pk AS text), %s, v.log_source, v.log_target, %s, %s, %s FROM u JOIN v ON v.pk = u.pk "
           f"ORDER BY v.pk RETURNING {qn('id')}, {qn('object_id')}")
    actor_id = entry.actor.pk if entry.actor is not None else None
    params += [content_type.pk, entry.transition, actor_id, entry.comment, now]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        logged = {object_id: log_id for log_id, object_id in cursor.fetchall()}
    if len(logged) != len(instances):
        if len(instances) == 1 and not model._base_manager.using(using).filter(pk=instances[0].pk).exists():
            raise DatabaseError("Save with update_fields did not affect any rows.")
        raise ConcurrentTransition("Cannot save object! The state has been changed since fetched from the database!")
    for instance, entry in zip(instances, entries, strict=True):
        entry.content_type, entry.object_id, entry.created_at = content_type, str(instance.pk), now
        entry.pk = logged[entry.object_id]
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
