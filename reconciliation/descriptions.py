"""What a supplier account entry says, in the reader's language (CONVENTIONS.md, "Words shown to people").

An entry's stored `description` is a language-neutral reference written when it was posted (document
numbers, SKU × quantity). Kinds whose text names what happened are derived when shown or printed from the
kind and the source document's number — "厂家补偿，售后单 AS0000012" on a Chinese statement, "Manufacturer
compensation, ticket AS0000012" on an English one — so rows posted by an English-speaking user (whose text
was once frozen in English) read in the reader's language too. The source is read generically (its
`number`), so this floor imports no after-sales module."""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from .models import EntryKind

# kind → template of the source document's number (the msgids the after-sales app used to freeze).
BY_SOURCE_NUMBER = {
    EntryKind.MANUFACTURER_COMPENSATION: _("Manufacturer compensation, ticket %(no)s"),
    EntryKind.CHARGE_BACK: _("Charge-back, ticket %(no)s"),
}


def _source_numbers(entries):
    """{(source type id, source id): number} for the entries whose text is derived, one query per source
    model."""
    wanted = defaultdict(set)
    for entry in entries:
        if entry.kind in BY_SOURCE_NUMBER:
            wanted[entry.source_type_id].add(entry.source_id)
    numbers = {}
    for type_id, ids in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None or "number" not in {f.name for f in model._meta.get_fields()}:
            continue
        for pk, number in model._default_manager.filter(pk__in=ids).values_list("pk", "number"):
            if number:
                numbers[(type_id, pk)] = number
    return numbers


def describe_entries(entries):
    """Give each entry `shown_description`, its text in the active language. Returns the entries (a list)."""
    entries = list(entries)
    numbers = _source_numbers(entries)
    for entry in entries:
        number = numbers.get((entry.source_type_id, entry.source_id))
        template = BY_SOURCE_NUMBER.get(entry.kind)
        entry.shown_description = str(template % {"no": number}) if template and number else entry.description
    return entries


def entry_description(entry):
    """One entry's text in the active language (`describe_entries` for a list)."""
    return describe_entries([entry])[0].shown_description
