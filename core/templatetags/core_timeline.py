"""`{% timeline obj %}`: the transition history of a document (same as
`{% include "core/timeline.html" with object=obj %}`)."""

from django import template

from core.transitions import state_label, timeline_for, transition_label

register = template.Library()


@register.simple_tag
def timeline_entries(obj):
    """The log rows of `obj`, oldest first, each with display labels for its transition and states."""
    if obj is None or obj.pk is None:
        return []
    model = type(obj)
    entries = list(timeline_for(obj))
    for entry in entries:
        entry.transition_label = transition_label(model, entry.transition)
        entry.source_label = state_label(model, entry.source)
        entry.target_label = state_label(model, entry.target)
    return entries


@register.inclusion_tag("core/timeline.html")
def timeline(obj):
    return {"object": obj}
