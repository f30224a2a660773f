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
