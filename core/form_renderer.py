"""The form renderer (settings.FORM_RENDERER): Django's own widget templates, with the commonest ones —
<input> and <select> with its <option>s — written in Python.

Django renders every widget through templates: a <select> includes one template per option and each of
those includes attrs.html, so the filter form above a list (a dozen fields, some of them lists of stores,
suppliers, products or people) cost more than the table's 50 rows. The writers below produce exactly the
markup of Django's templates (tests/core/test_form_renderer.py renders every kind both ways); any other
template, a widget whose option template differs, or a project that overrides one of these templates
goes through the templates as before."""

from pathlib import Path

import django
from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.safestring import SafeData

_WIDGETS = "django/forms/widgets/"
_INPUTS = {f"{_WIDGETS}{name}.html" for name in (
    "input", "text", "number", "email", "url", "search", "tel", "date", "datetime", "time", "password", "hidden",
    "checkbox")}
_SELECT = f"{_WIDGETS}select.html"
_OPTION = f"{_WIDGETS}select_option.html"
_DJANGO_TEMPLATES = Path(django.__file__).resolve().parent / "forms" / "templates"
_CONTEXT = Context(autoescape=True)


def _as_s(value):
    """`{{ value|stringformat:'s' }}`: "%s" formatting, escaped unless the value was safe already."""
    text = "%s" % (str(value) if isinstance(value, tuple) else value)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs):
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{_as_s(value)}"'
        for name, value in attrs.items() if value is not False)


def _input(widget):
    value = f' value="{_as_s(widget["value"])}"' if widget["value"] is not None else ""
    return f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _select(widget):
    parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{render_value_in_context(group_name, _CONTEXT)}">')
        for option in group_choices:
            parts.append(f'\n  <option value="{_as_s(option["value"])}"{_attrs(option["attrs"])}>'
                         f'{render_value_in_context(option["label"], _CONTEXT)}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class WidgetRenderer(DjangoTemplates):
    @cached_property
    def _own(self):
        """The template names written here that this project does not override (an app's
        templates/django/forms/... would win over Django's own: those stay templates)."""
        own = set()
        for name in (*_INPUTS, _SELECT, _OPTION):
            origin = Path(self.get_template(name).template.origin.name).resolve()
            if origin.is_relative_to(_DJANGO_TEMPLATES):
                own.add(name)
        return own

    def render(self, template_name, context, request=None):
        if template_name in self._own:
            widget = context["widget"]
            if template_name in _INPUTS:
                return _input(widget)
            if _OPTION in self._own and all(option["template_name"] == _OPTION
                                             for _name, options, _index in widget["optgroups"] for option in options):
                return _select(widget)
        return super().render(template_name, context, request)
