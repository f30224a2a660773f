"""`{% timeline obj %}`: the transition history of a document (same as
`{% include "core/timeline.html" with object=obj %}`)."""

from django import template

from core.transitions import state_label, timeline_for, transition_label

register = template.Library()


def _label(model, value):
    """The label of a state, or of another choice field's value (a derived status an audit row records)."""
    label = state_label(model, value)
    if label == str(value):
        for field in model._meta.concrete_fields:
            for choice, choice_label in field.flatchoices if field.choices else ():
                if str(choice) == str(value):
                    return str(choice_label)
    return label


@register.simple_tag
def timeline_entries(obj):
    """The log rows of `obj`, oldest first, each with display labels for its transition and states."""
    if obj is None or obj.pk is None:
        return []
    model = type(obj)
    entries = list(timeline_for(obj))
    for entry in entries:
        entry.transition_label = transition_label(model, entry.transition)
        entry.source_label = _label(model, entry.source)
        entry.target_label = _label(model, entry.target)
        entry.changes_state = entry.source != entry.target  # an audit row of a write that moved no state
    return entries


@register.inclusion_tag("core/timeline.html")
def timeline(obj):
    return {"object": obj}
