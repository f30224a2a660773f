"""Field types of the API schemas, built on core.parsing so the API reads values exactly as forms and files do.

    class ReceiptLineIn(Input):
        product: Id
        quantity: Quantity
        unit_cost: Money

A value the type refuses answers 422 with the message under the field's name (config/api.py). The `Input`
base (core/api.py) also checks every field of every body with `check_value`: text without NUL bytes,
integers inside a bigint, Decimals as money — a field declared with a bare `str`/`int`/`Decimal` is still
safe; these types add the column's own range and document it."""

from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field
from pydantic_core import PydanticCustomError

from .parsing import (
    BIGINT_MAX,
    INT32_MAX,
    MONEY_MAX_DIGITS,
    parse_integer,
    parse_money,
    parse_outside_time,
    text_problem,
)


def _refuse(exc):
    return PydanticCustomError("value_error", "{message}", {"message": " ".join(str(m) for m in exc.messages)})


def money_of(max_digits=MONEY_MAX_DIGITS):
    """The Money type of a column with `max_digits` digits (2 of them decimal places)."""

    def read(value):
        try:
            return parse_money(value, max_digits=max_digits)
        except ValidationError as exc:
            raise _refuse(exc) from None

    return Annotated[Decimal, BeforeValidator(read),
                     Field(description=f"An amount in CNY: at most 2 decimal places and {max_digits - 2} digits "
                                       "before the point, e.g. \"12.50\" (1.005 is refused, never rounded)")]


def _whole(value):
    try:
        return parse_integer(value, minimum=None, maximum=None)
    except ValidationError as exc:
        raise _refuse(exc) from None


def _text(value):
    if isinstance(value, str) and (problem := text_problem(value)):
        raise PydanticCustomError("string_type", "{message}", {"message": str(problem)})
    return value


Money = money_of(MONEY_MAX_DIGITS)
"""An amount: at most 2 decimal places (1.005 is refused, not rounded) and 10 digits before the point."""

Quantity = Annotated[int, BeforeValidator(_whole), Field(ge=1, le=INT32_MAX, description="A whole number above 0")]
"""A quantity of units: a JSON integer from 1 to 2 147 483 647 (1.5, "2" and 2**31 are refused)."""

Count = Annotated[int, BeforeValidator(_whole), Field(ge=0, le=INT32_MAX)]
"""A whole number of 0 or more that fits an integer column (hours, thresholds)."""

Id = Annotated[int, BeforeValidator(_whole), Field(ge=1, le=BIGINT_MAX, description="A record id")]

Text = Annotated[str, BeforeValidator(_text)]
"""Text without NUL bytes (PostgreSQL cannot store them); add Field(max_length=…) for the column."""

def _not_future(value):
    try:
        return parse_outside_time(value)
    except ValidationError as exc:
        raise _refuse(exc) from None


OutsideTime = Annotated[AwareDatetime, AfterValidator(_not_future)]
"""A time a client reports: it must carry its timezone and not lie in the future (beyond a few minutes of clock
skew); a service checks it against the document's previous step (core.parsing.check_outside_time)."""


def check_value(value):
    """Why a value of any field cannot be used (a NUL byte in text, an integer beyond a bigint, a Decimal that is
    not money), or None; lists and dicts are checked item by item. Used by core.api.Input for every field."""
    if isinstance(value, str):
        problem = text_problem(value)
        return str(problem) if problem else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if abs(value) > BIGINT_MAX:
            return f"{value} is out of range (at most {BIGINT_MAX})."
        return None
    if isinstance(value, Decimal):
        try:
            parse_money(value, max_digits=MONEY_MAX_DIGITS + 2)
        except ValidationError as exc:
            return " ".join(str(m) for m in exc.messages)
        return None
    if isinstance(value, list | tuple | set):
        for item in value:
            if problem := check_value(item):
                return problem
    if isinstance(value, dict):
        for key, item in value.items():
            if problem := check_value(key) or check_value(item):
                return problem
    return None
