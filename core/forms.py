"""Form plumbing shared by every app: Bootstrap classes on widgets, searchable selects."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator, MaxValueValidator, MinValueValidator

from .parsing import INT32_MAX, MONEY_MAX_DIGITS, MONEY_PLACES, parse_money

SEARCHABLE_ATTR = "data-searchable"


def searchable(widget):
    """Mark a select so static/js/consign.js turns it into a type-to-search list (Tom Select)."""
    widget.attrs[SEARCHABLE_ATTR] = "true"
    return widget


class MoneyField(forms.DecimalField):
    """Every money input of every form: read by core.parsing.parse_money (at most 2 places — 1.005 is
    refused, never rounded —, `max_digits` like its column, thousands separators and ¥ accepted)."""

    def __init__(self, *, max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_PLACES, **kwargs):
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_money(value, max_digits=self.max_digits, places=self.decimal_places)
        except ValidationError as exc:
            if exc.code == "invalid":  # not a number at all: Django's own "Enter a number."
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
            raise ValidationError(exc.messages[0], code=exc.code) from None


def bound_to_columns(field):
    """Give a form field the range of the column behind it when it states none: a whole-number field stays
    inside a PostgreSQL integer, a decimal field inside 12 digits (a number filter of 1e122 is a field
    error, not a crash). Text fields already refuse NUL bytes (Django's ProhibitNullCharactersValidator)."""
    if isinstance(field, forms.DecimalField):
        if field.max_digits is None:
            field.max_digits = MONEY_MAX_DIGITS
            field.validators.append(DecimalValidator(MONEY_MAX_DIGITS, field.decimal_places))
    elif isinstance(field, forms.IntegerField) and not isinstance(field, forms.FloatField):
        if field.max_value is None:
            field.max_value = INT32_MAX
            field.validators.append(MaxValueValidator(INT32_MAX))
            field.widget.attrs.setdefault("max", INT32_MAX)
        if field.min_value is None:
            field.min_value = -INT32_MAX - 1
            field.validators.append(MinValueValidator(-INT32_MAX - 1))
    elif isinstance(field, forms.FloatField) and field.max_value is None:
        field.max_value = float(INT32_MAX)
        field.validators.append(MaxValueValidator(float(INT32_MAX)))


class BootstrapFormMixin:
    """Gives every widget its Bootstrap 5 class; errors are rendered next to the field by
    templates/core/form_field.html (which adds `is-invalid`). Every number field is bounded to its column
    (`bound_to_columns`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            bound_to_columns(field)
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
