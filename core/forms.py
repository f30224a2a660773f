"""Form plumbing shared by every app: Bootstrap classes on widgets, searchable selects."""

from django import forms

SEARCHABLE_ATTR = "data-searchable"


def searchable(widget):
    """Mark a select so static/js/consign.js turns it into a type-to-search list (Tom Select)."""
    widget.attrs[SEARCHABLE_ATTR] = "true"
    return widget


class BootstrapFormMixin:
    """Gives every widget its Bootstrap 5 class; errors are rendered next to the field by
    templates/core/form_field.html (which adds `is-invalid`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            existing = widget.attrs.get("class", "")
            widget.attrs["class"] = f"{existing} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


def error_rows(exc):
    """[(form field or None, row or None, row field or None, message)] of a service's ValidationError: each
    RowError (core.errors) with its row and field, every other message with its field only."""
    from .errors import RowError

    if not hasattr(exc, "error_dict"):
        return [(None, None, None, message) for message in exc.messages]
    found = []
    for name, errors in exc.error_dict.items():
        for error in errors:
            for message in error:  # a ValidationError iterates over its (formatted) messages
                if isinstance(error, RowError):
                    found.append((name, error.row, error.field, message))
                else:
                    found.append((None if name == "__all__" else name, None, None, message))
    return found


def add_service_errors(form, exc, *, rows=(), row_errors=None):
    """Put a service's ValidationError where the person will look: a RowError whose row is one of `rows`
    (the keys of the rows the page shows) into `row_errors` {row: {field or "row": [messages]}}, which the
    template shows next to that row's input and marks the row with; a message of one of the form's
    fields next to that field (Form.add_error); every other message (the form's own or an unknown row)
    as a non-field error at the top of the form. Returns `row_errors` (a new dict if none is given)."""
    row_errors = {} if row_errors is None else row_errors
    rows = set(rows)
    for name, row, field, message in error_rows(exc):
        if row is not None and row in rows:
            row_errors.setdefault(row, {}).setdefault(field or "row", []).append(message)
        elif name in form.fields and row is None:
            form.add_error(name, message)
        else:
            form.add_error(None, message)
    return row_errors
