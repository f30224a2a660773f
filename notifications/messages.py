"""Notification texts: a registry of message keys, rendered in the reader's language when the inbox shows
a row or its e-mail is sent (DESIGN.md, "Notifications"). A row stores the key and JSON parameters,
never the text, so a Chinese inbox never lists an event in the language of whoever caused it.

Each app that causes events declares its messages in `<app>/messages.py`, with gettext_lazy templates:

    NEW_ORDER = Message("orders.new_order", _("New order %(no)s from %(store)s"), _("%(name)s, %(address)s"))

and its services pass the message and its parameters to `notifications.services.notify`. Those modules are
imported by `discover()` (NotificationsConfig.ready, Django's autodiscover), so this app renders any key
without importing a domain app. A template may also be a function of the parameters (for texts made of
optional parts), called in the reader's language.

Parameters are stored as JSON (`jsonable`): numbers and names as they are, Decimals as text, a lazily
translated value (a state's or kind's label, a document label) as {"msgid": …}, rendered with gettext in
the reader's language."""

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Model
from django.utils import translation
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext

_registry: dict = {}


@dataclass(frozen=True, eq=False)
class Message:
    """A message key with its subject and body templates (lazy text with %(name)s placeholders, or a
    callable taking the rendered parameters). Registered on creation; a key is declared once."""

    key: str
    subject: object
    body: object = ""

    def __post_init__(self):
        existing = _registry.get(self.key)
        if existing is not None and (existing.subject, existing.body) != (self.subject, self.body):
            raise ValueError(f"Notification message {self.key!r} is declared twice")
        _registry[self.key] = self


# Rows written before messages had keys (and anything a caller wrote as plain text): shown as stored.
LITERAL = Message("literal", lambda p: p.get("subject", ""), lambda p: p.get("body", ""))


def discover():
    """Import every installed app's `messages` module, which registers its messages."""
    autodiscover_modules("messages")


def get(key):
    return _registry.get(key)


def translatable(label):
    """A lazily translated value as a parameter: its msgid, rendered in the reader's language."""
    if not label:
        return ""
    with translation.override(None):  # no catalogue active: str() gives the msgid itself
        return {"msgid": str(label)}


def jsonable(value):
    """A parameter value as stored: lazy text becomes a msgid marker, Decimal text, a model its str()."""
    if isinstance(value, Promise):
        return translatable(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (Decimal, Model)):
        return str(value)
    return str(value)


def _value(value):
    if isinstance(value, dict):
        if set(value) == {"msgid"}:
            return gettext(value["msgid"]) if value["msgid"] else ""
        return {k: _value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_value(v) for v in value]
    return value


def _fill(template, values):
    if callable(template):
        return str(template(values))
    text = str(template)
    if not text:
        return ""
    try:
        return text % values
    except (KeyError, ValueError, TypeError):  # a template changed since the row was stored: show it bare
        return text


def render(key, params, language=None):
    """(subject, body) of a stored message in `language` (default: the active one)."""
    with translation.override(language) if language else nullcontext():
        message = _registry.get(key)
        values = _value(params or {})
        if message is None:  # its declaration is gone: show what is known rather than fail the inbox
            return str(key), ""
        return _fill(message.subject, values), _fill(message.body, values)

