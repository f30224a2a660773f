"""The one place where values from outside (forms, files, query strings, API bodies) become Python values.

Every money field, quantity, id, text and outside time of the project is read by these functions, so a
rule is stated once (DESIGN.md "Cross-cutting rules"):

- money is a Decimal of at most 2 places that fits its column (`max_digits`): 1.005 is refused, never
  rounded to 1.00; 1e27 is "too large", never a crash;
- a quantity or count is a whole number inside its column's range (a PostgreSQL integer tops at
  2 147 483 647): "1.5", "2.0", True and 2**31 are refused;
- an id is ASCII digits inside a bigint ("²" is a digit to Python's isdigit(), not to a database);
- text never carries a NUL byte or a lone surrogate (PostgreSQL refuses both);
- a time from outside carries its timezone and lies between the document's previous step and now
  (a few minutes of clock skew allowed).

Each parser raises django.core.exceptions.ValidationError with one clear sentence; callers put it next
to their field (forms), row (imports) or key (API)."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

MONEY_PLACES = 2
MONEY_MAX_DIGITS = 12  # the project's money columns: DecimalField(max_digits=12 or 14, decimal_places=2)
INT32_MAX = 2_147_483_647  # IntegerField / PositiveIntegerField on PostgreSQL
BIGINT_MAX = 9_223_372_036_854_775_807  # BigAutoField ids
CLOCK_SKEW = datetime.timedelta(minutes=5)

_CURRENCY = str.maketrans("", "", ",¥￥$ \u00a0")
_ASCII_INT = re.compile(r"[+-]?[0-9]+")
_ASCII_ID = re.compile(r"[0-9]{1,19}")


def parse_money(value, *, max_digits=MONEY_MAX_DIGITS, places=MONEY_PLACES, minimum=None, maximum=None,
                required=True):
    """A Decimal with exactly `places` places, or ValidationError. Accepts Decimal, int, a float as it is
    written (9.9 → 9.90) and text with thousands separators and a ¥/$ sign; refuses more than `places`
    decimal places, more than `max_digits` digits, NaN/infinity and booleans. None/"" is None unless
    `required`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(_("Enter an amount."), code="required")
        return None
    if isinstance(value, bool):
        raise ValidationError(_("'%(value)s' is not a number.") % {"value": value}, code="invalid")
    if isinstance(value, float):
        value = repr(value)  # the shortest text that reads back as this float: 1.005 stays "1.005"
    text = value if isinstance(value, Decimal) else str(value).translate(_CURRENCY)
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(_("'%(value)s' is not a number.") % {"value": _short(value)}, code="invalid") from None
    if not number.is_finite():
        raise ValidationError(_("'%(value)s' is not a number.") % {"value": _short(value)}, code="invalid")
    limit = Decimal(10) ** (max_digits - places)
    if abs(number) >= limit:
        raise ValidationError(_("'%(value)s' is too large: at most %(digits)s digits before the decimal point.")
                              % {"value": _short(value), "digits": max_digits - places}, code="max_digits")
    exponent = number.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ValidationError(_("'%(value)s' has more than %(places)s decimal places; amounts are not rounded.")
                              % {"value": _short(value), "places": places}, code="max_decimal_places")
    number = number.quantize(Decimal(1).scaleb(-places))
    if minimum is not None and number < minimum:
        raise ValidationError(_("'%(value)s' must be at least %(min)s.") % {"value": _short(value), "min": minimum},
                              code="min_value")
    if maximum is not None and number > maximum:
        raise ValidationError(_("The amount must be at most %(max)s.") % {"max": maximum}, code="max_value")
    return number


def parse_integer(value, *, minimum=None, maximum=INT32_MAX, required=True):
    """A whole number inside [minimum, maximum] (default: a PostgreSQL integer), or ValidationError.
    Accepts an int, ASCII digit text (thousands separators allowed) and a float that is a whole number
    (what a spreadsheet stores); refuses "1.5", "2.0", booleans and anything out of range."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(_("Enter a whole number."), code="required")
        return None
    if isinstance(value, bool):
        raise ValidationError(_("'%(value)s' is not a whole number.") % {"value": value}, code="invalid")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValidationError(_("'%(value)s' is not a whole number.") % {"value": value}, code="invalid")
        value = int(value)
    elif isinstance(value, Decimal):
        if not value.is_finite() or value != value.to_integral_value():
            raise ValidationError(_("'%(value)s' is not a whole number.") % {"value": value}, code="invalid")
        value = int(value)
    elif not isinstance(value, int):
        text = str(value).strip().replace(",", "")
        if not _ASCII_INT.fullmatch(text) or len(text) > 40:
            raise ValidationError(_("'%(value)s' is not a whole number.") % {"value": _short(value)}, code="invalid")
        value = int(text)
    if minimum is not None and value < minimum:
        raise ValidationError(_("'%(value)s' must be at least %(min)s.") % {"value": value, "min": minimum},
                              code="min_value")
    if maximum is not None and value > maximum:
        raise ValidationError(_("Enter a whole number of at most %(max)s.") % {"max": maximum}, code="max_value")
    return value


def parse_quantity(value, *, minimum=1, maximum=INT32_MAX, required=True):
    """A quantity: a whole number above 0 (or above `minimum`) that fits an integer column."""
    return parse_integer(value, minimum=minimum, maximum=maximum, required=required)


def parse_id(value):
    """The id in `value` (ASCII digits, 1 to a bigint), or None for anything else ("²", "1e3", 2**64)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= BIGINT_MAX else None
    text = str(value or "").strip()
    if not _ASCII_ID.fullmatch(text):
        return None
    number = int(text)
    return number if 1 <= number <= BIGINT_MAX else None


def id_or_error(value):
    """`parse_id` that raises ValueError for anything not an id (a `coerce` for typed choice fields)."""
    number = parse_id(value)
    if number is None:
        raise ValueError(f"not an id: {value!r}")
    return number


def text_problem(value):
    """Why `value` cannot be stored as text (a NUL byte, a lone surrogate), or None."""
    if not isinstance(value, str):
        return None
    if "\x00" in value:
        return _("Text may not contain a NUL character (\\x00).")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _("Text contains characters that cannot be stored (an invalid Unicode surrogate).")
    return None


def clean_text(value, *, max_length=None, required=False):
    """Stripped text without NUL bytes or surrogates, at most `max_length` characters, or ValidationError."""
    text = "" if value is None else str(value).strip()
    problem = text_problem(text)
    if problem:
        raise ValidationError(problem, code="null_characters_not_allowed")
    if required and not text:
        raise ValidationError(_("This field is required."), code="required")
    if max_length is not None and len(text) > max_length:
        raise ValidationError(_("At most %(max)s characters (it has %(n)s).") % {"max": max_length, "n": len(text)},
                              code="max_length")
    return text


def parse_outside_time(value, *, after=None, after_label=None, now=None, skew=CLOCK_SKEW):
    """A time a client or a file reports (a delivery, a receipt, a dispatch): it must carry its timezone,
    not lie in the future and not before `after` (the document's previous step, named by `after_label`),
    either by more than `skew` (the two clocks may differ a little). Text is read as ISO 8601. Returns an aware datetime."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
        except ValueError:
            raise ValidationError(_("'%(value)s' is not a date and time (use ISO 8601 with a timezone, e.g. "
                                    "2026-03-01T14:30:00+08:00).") % {"value": _short(text)}, code="invalid") from None
    if not isinstance(value, datetime.datetime):
        raise ValidationError(_("Enter a date and time with its timezone."), code="invalid")
    if timezone.is_naive(value):
        raise ValidationError(_("The time %(value)s has no timezone; send it with its offset (e.g. +08:00 or Z).")
                              % {"value": value.isoformat()}, code="naive")
    now = now or timezone.now()
    if value > now + skew:
        raise ValidationError(_("The time %(value)s lies in the future.") % {"value": value.isoformat()},
                              code="future")
    if after is not None and value < after - skew:  # the other side's clock may lag ours a little too
        raise ValidationError(_("The time %(value)s is before %(step)s (%(after)s).")
                              % {"value": value.isoformat(), "step": after_label or _("the previous step"),
                                 "after": timezone.localtime(after).isoformat()}, code="before_previous_step")
    return value


class OutsideTimeRefused(ValidationError):
    """A time from outside that `check_outside_time` refused: {field: [message]}; the API answers it 422."""


def check_outside_time(value, *, after=None, after_label=None, field="at", label=None, now=None):
    """`parse_outside_time`, refusing with OutsideTimeRefused({field: ["<label>: message"]})."""
    try:
        return parse_outside_time(value, after=after, after_label=after_label, now=now)
    except ValidationError as exc:
        messages = [f"{label}: {m}" if label else m for m in exc.messages]
        raise OutsideTimeRefused({field: messages}) from None


def _short(value):
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"
