"""The transition log, and the one runner through which services run a django-fsm transition.

Convention (every app follows it):

- A transition method takes keyword arguments `by` (the acting user, or None for the system) and
  `comment` (optional, "" by default), plus whatever else it needs, and has no side effects beyond
  setting fields on the instance (keep notifications, ledger rows etc. in the service)::

      @transition(field=state, source=State.SUBMITTED, target=State.APPROVED,
                  permission="shipments.approve_shipment", custom={"label": _("Approve")})
      def approve(self, *, by=None, comment=""):
          self.approved_by = by

- A service runs it with `perform` (one document) or `perform_many` (the ticked ones of a queue, a
  print run, a tracking file), inside its own `transaction.atomic()`::

      perform(shipment, "approve", actor=actor, comment=comment, update_fields=["approved_by"])

  The runner checks `can_proceed` (→ `TransitionNotAllowed`) and `has_transition_perm`
  (→ `PermissionDenied`) for every instance before anything runs, runs each method in memory, then
  writes with two statements whatever the number of instances:
    1. one conditional UPDATE through the ORM,
       `Model.objects.filter(pk__in=…, state=<source>).update(state=<target>, **update_fields)`
       (values that differ per instance go in a CASE on the primary key); fewer rows than instances —
       someone moved one of them meanwhile — raise `django_fsm.ConcurrentTransition`, and the caller's
       atomic block rolls back: nothing is half-done. This UPDATE is what guards a transition against a
       concurrent one, so services need no `SELECT … FOR UPDATE` of the document for it;
    2. one `bulk_create` of the `TransitionLog` rows (who, from, to, comment).
  The state field is `protected=True`: a transition method sets it in memory and `QuerySet.update` is
  the sanctioned write, so the documents do not use django-fsm's ConcurrentTransitionMixin (its
  `save()` guard filters on a private snapshot of the state that the UPDATE would leave stale). Other
  writes to a document save with `update_fields` that never name the state.

- A transition method called directly (outside `perform`) is not logged: services never do that.
  Rows logged without a transition method (a statement's build) are written by their service.

- Show the history on a page with `{% include "core/timeline.html" with object=obj %}`, or
  `{% load core_timeline %}{% timeline obj %}` (same template). Selector: `timeline_for(obj)`.
"""

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Case, Q, Value, When
from django.utils.translation import gettext as _
from django_fsm import (
    ConcurrentTransition,
    FSMFieldMixin,
    TransitionNotAllowed,
    can_proceed,
    has_transition_perm,
)

from .models import TransitionLog

__all__ = ["perform", "perform_many", "timeline_for", "state_label", "transition_label"]


def _state_field(instance, meta):
    field = meta.field
    if isinstance(field, str):
        field = instance._meta.get_field(field)
    return field


def _checked(instance, name, actor, check_permission):
    """The transition method `name` of `instance`, after its checks: `can_proceed` (→ TransitionNotAllowed)
    and, unless `check_permission` is False, `has_transition_perm` (→ PermissionDenied). Returns
    (method, state field)."""
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
    if check_permission and not has_transition_perm(method, actor or AnonymousUser()):
        raise PermissionDenied(
            _("You may not %(transition)s this %(document)s.")
            % {
                "transition": transition_label(type(instance), name).lower(),
                "document": instance._meta.verbose_name,
            }
        )
    return method, field


def perform(instance, name, *, actor, comment="", update_fields=(), check_permission=True, **kwargs):
    """Run transition `name` on `instance` as `actor`, write it, and return it (see module docstring).

    Extra keyword arguments go to the transition method; `update_fields` names the fields, besides
    the state field, that the method sets and that must be written."""
    perform_many([instance], name, actor=actor, comment=comment, update_fields=update_fields,
                 check_permission=check_permission, kwargs_for=lambda _instance: kwargs)
    return instance


def perform_many(instances, name, *, actor, comment="", update_fields=(), kwargs_for=None, check_permission=True):
    """`perform` for several saved instances of one model at once: every instance is checked first —
    the first refusal raises, naming its instance, and nothing is written —, then each method runs
    (with `kwargs_for(instance)` as extra keyword arguments, if given), then one conditional UPDATE
    writes them all and one INSERT their log rows. Returns the instances.

    `check_permission=False` when another permission is the authority (an order's cancellation cancels
    its undispatched shipments without asking for the shipment's own cancel permission)."""
    instances = list(instances)
    if not instances:
        return instances
    model = type(instances[0])
    if any(type(instance) is not model or instance.pk is None for instance in instances):
        raise TypeError("perform_many runs one transition on saved instances of one model")
    # The checks write nothing: a refusal leaves the caller's transaction usable.
    checked = [_checked(instance, name, actor, check_permission) for instance in instances]
    state_field = checked[0][1]
    sources = [state_field.get_state(instance) for instance in instances]
    for instance, (method, _field) in zip(instances, checked, strict=True):
        method(by=actor, comment=comment, **(kwargs_for(instance) if kwargs_for else {}))
    fields = [state_field, *(model._meta.get_field(f) for f in update_fields if f != state_field.name)]
    using = instances[0]._state.db or DEFAULT_DB_ALIAS
    content_type = ContentType.objects.db_manager(using).get_for_model(model)
    actor_id = getattr(actor, "pk", None)
    entries = [
        TransitionLog(content_type=content_type, object_id=str(instance.pk), transition=name,
                      source="" if source is None else str(source), target=str(state_field.get_state(instance)),
                      actor_id=actor_id, comment=comment or "")
        for instance, source in zip(instances, sources, strict=True)
    ]
    # No savepoint of its own: a failure (ConcurrentTransition, a database error) rolls back the
    # caller's atomic block — every service has one — with its other writes; outside any transaction
    # this block is the transaction (the UPDATE and the log rows together).
    with transaction.atomic(using=using, savepoint=False):
        _update_where_state_is(model, instances, sources, fields, state_field, using)
        TransitionLog.objects.using(using).bulk_create(entries)
    return instances


def _update_where_state_is(model, instances, sources, fields, state_field, using):
    """ONE conditional UPDATE: each instance's row, only while its state is still the source it was
    checked in, gets the instance's values of `fields`. Raises ConcurrentTransition unless every row
    matched."""
    by_source = {}
    for instance, source in zip(instances, sources, strict=True):
        by_source.setdefault(source, []).append(instance.pk)
    still_there = Q()
    for source, pks in by_source.items():
        still_there |= Q(pk__in=pks, **{state_field.attname: source})
    values = {}
    for field in fields:
        per_instance = [(instance.pk, field.pre_save(instance, False)) for instance in instances]
        first = per_instance[0][1]
        if all(value == first for _pk, value in per_instance):
            values[field.attname] = first
        else:
            output = field.target_field if field.is_relation else field
            values[field.attname] = Case(*(When(pk=pk, then=Value(value, output_field=output))
                                           for pk, value in per_instance), output_field=output)
    updated = model._base_manager.using(using).filter(still_there).update(**values)
    if updated != len(instances):
        raise ConcurrentTransition(
            _("Someone else changed %(document)s at the same time; reload it and check.")
            % {"document": model._meta.verbose_name if len(instances) > 1 else
               f"{model._meta.verbose_name} {instances[0]}"})


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
