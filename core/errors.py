"""Errors a service raises that say where the bad input sits, so every caller can put the message there:
a page next to the row and field, the API under that field's key (`core.forms.add_service_errors`)."""

from django.core.exceptions import ValidationError


class RowError(ValidationError):
    """A refusal of one row of a document's lines: `row` is the caller's key for that row (the id it
    was given, such as an order line id), `field` the row's field at fault (None: the row as a whole),
    `index` the row's position (from 0) in the list the service was given (the API names `lines.<index>`).

    Raise it inside the usual `ValidationError({"lines": [RowError(…), …]})`: `message_dict` and
    `messages` read exactly as for plain messages, so callers that only show messages keep working."""

    def __init__(self, message, *, row, field=None, index=None, code=None):
        super().__init__(message, code=code)
        self.row = row
        self.field = field
        self.index = index


def row_error_keys(exc, *, prefix="lines"):
    """{"<prefix>.<index>.<field>": [messages]} of the RowErrors in a service's ValidationError (field
    "row" for a row as a whole): an API answers them beside the list-wide messages, so a client sees
    which of the lines it sent, and which field of it, was refused."""
    keyed = {}
    for errors in getattr(exc, "error_dict", {}).values():
        for error in errors:
            if isinstance(error, RowError) and error.index is not None:
                keyed.setdefault(f"{prefix}.{error.index}.{error.field or 'row'}", []).extend(error.messages)
    return keyed
