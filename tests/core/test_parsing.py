"""The one reader of values from outside (core.parsing) and what is built on it: the API field types
(core.api_types), the money form field and the column bounds of every form (core.forms)."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from pydantic import ValidationError as PydanticError

from core.api import Input
from core.api_types import Count, Id, Money, Quantity, Text
from core.forms import BootstrapFormMixin, MoneyField
from core.parsing import (
    INT32_MAX,
    OutsideTimeRefused,
    check_outside_time,
    clean_text,
    parse_id,
    parse_money,
    parse_outside_time,
    parse_quantity,
)


# ---- money ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value, expected", [
    ("12.5", Decimal("12.50")), ("1,234.56", Decimal("1234.56")), ("¥9.90", Decimal("9.90")), (7, Decimal("7.00")),
    (9.9, Decimal("9.90")), (Decimal("1.500"), Decimal("1.50")), ("9999999999.99", Decimal("9999999999.99")),
])
def test_money_is_read_to_two_places(value, expected):
    amount = parse_money(value)
    assert amount == expected and amount.as_tuple().exponent == -2


@pytest.mark.parametrize("value, why", [
    ("1.005", "more than 2 decimal places"), (1.005, "more than 2 decimal places"), ("1e-5", "decimal places"),
    ("1e27", "too large"), (1e27, "too large"), ("10000000000", "too large"), ("abc", "not a number"),
    ("NaN", "not a number"), ("Infinity", "not a number"), (True, "not a number"),
])
def test_money_that_would_be_rounded_or_cannot_fit_is_refused_with_a_reason(value, why):
    with pytest.raises(ValidationError) as refused:
        parse_money(value)
    assert why in refused.value.messages[0]


def test_money_bounds_follow_the_column_and_the_minimum():
    assert parse_money("999999999999.99", max_digits=14) == Decimal("999999999999.99")
    with pytest.raises(ValidationError, match="at least 0"):
        parse_money("-1", minimum=Decimal("0"))
    assert parse_money("", required=False) is None


# ---- quantities, ids, text ------------------------------------------------------------------------------
@pytest.mark.parametrize("value, expected", [(3, 3), ("3", 3), (" 1,000 ", 1000), (2.0, 2), (INT32_MAX, INT32_MAX)])
def test_quantities_are_whole_numbers_inside_an_integer_column(value, expected):
    assert parse_quantity(value) == expected


@pytest.mark.parametrize("value", ["1.5", "2.0", 1.5, True, 0, -1, 2**31, "²", "1e3", "9" * 5000])
def test_anything_else_is_not_a_quantity(value):
    with pytest.raises(ValidationError):
        parse_quantity(value)


def test_an_id_is_ascii_digits_inside_a_bigint():
    assert [parse_id(v) for v in ("12", " 7", 5)] == [12, 7, 5]
    assert [parse_id(v) for v in ("²", "1e3", "0", "-3", str(2**64), "", None, True, "١٢")] == [None] * 9


def test_text_refuses_nul_bytes_and_lone_surrogates():
    assert clean_text("  上海 ") == "上海"
    for bad in ("a\x00b", "\ud800"):
        with pytest.raises(ValidationError):
            clean_text(bad)
    with pytest.raises(ValidationError, match="At most 3"):
        clean_text("abcd", max_length=3)


# ---- times from outside --------------------------------------------------------------------------------
def test_a_time_from_outside_lies_between_the_previous_step_and_now():
    now = timezone.now()
    dispatched = now - datetime.timedelta(hours=5)
    beijing = datetime.timezone(datetime.timedelta(hours=8))
    at = (now - datetime.timedelta(hours=1)).astimezone(beijing)
    assert parse_outside_time(at, after=dispatched, now=now) == at
    assert parse_outside_time(at.isoformat(), after=dispatched, now=now) == at
    assert parse_outside_time("2026-01-01T00:00:00Z", now=now).utcoffset() == datetime.timedelta(0)
    assert parse_outside_time(now + datetime.timedelta(minutes=4), now=now)  # clock skew
    assert parse_outside_time(dispatched - datetime.timedelta(minutes=4), after=dispatched, now=now)


@pytest.mark.parametrize("offset, code", [
    (datetime.timedelta(minutes=6), "future"), (datetime.timedelta(days=-1), "before_previous_step"),
])
def test_a_future_time_or_one_before_the_previous_step_is_refused(offset, code):
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        parse_outside_time(now + offset, after=now - datetime.timedelta(hours=1), now=now)
    assert refused.value.code == code


def test_a_time_without_its_timezone_is_refused_and_named_by_field():
    with pytest.raises(OutsideTimeRefused) as refused:
        check_outside_time(datetime.datetime(2026, 1, 1, 12, 0), field="at")
    assert "no timezone" in refused.value.message_dict["at"][0]
    with pytest.raises(ValidationError, match="not a date and time"):
        parse_outside_time("yesterday")


# ---- API field types -----------------------------------------------------------------------------------
class LineIn(Input):
    quantity: Quantity
    price: Money
    hours: Count = 0
    product: Id = 1
    name: Text = ""
    note: str = ""
    cost: Decimal = Decimal("0")


def errors_of(**data):
    with pytest.raises(PydanticError) as refused:
        LineIn(**{"quantity": 1, "price": "1.00", **data})
    return {".".join(map(str, e["loc"])): e["msg"] for e in refused.value.errors()}


def test_api_types_read_good_values():
    line = LineIn(quantity=2, price=12.5, hours=0, product=9, name="上海")
    assert (line.quantity, line.price, line.product) == (2, Decimal("12.50"), 9)


@pytest.mark.parametrize("field, value, why", [
    ("price", 1.005, "decimal places"), ("price", "1e27", "too large"), ("quantity", 2**31, "less than or equal"),
    ("quantity", 1.5, "whole number"), ("quantity", "2.0", "whole number"), ("quantity", 0, "greater than or equal"),
    ("quantity", True, "whole number"), ("hours", -1, "greater than or equal"), ("product", 2**64, "less than"),
    ("name", "a\x00b", "NUL"),
])
def test_api_types_refuse_with_the_field_named(field, value, why):
    errors = errors_of(**{field: value})
    assert list(errors) == [field] and why in errors[field]


@pytest.mark.parametrize("field, value, why", [
    ("note", "a\x00b", "NUL"), ("cost", Decimal("1.005"), "decimal places"), ("cost", 10**30, "too large"),
])
def test_every_input_field_is_checked_even_with_a_bare_type(field, value, why):
    errors = errors_of(**{field: value})
    assert why in errors[field]


# ---- forms ---------------------------------------------------------------------------------------------
class CostForm(BootstrapFormMixin, forms.Form):
    cost = MoneyField(min_value=0)
    quantity = forms.IntegerField()
    ratio = forms.DecimalField(required=False)
    name = forms.CharField(required=False)


@pytest.mark.parametrize("data, field, why", [
    ({"cost": "1.005", "quantity": "1"}, "cost", "decimal places"),
    ({"cost": "1e27", "quantity": "1"}, "cost", "too large"),
    ({"cost": "1", "quantity": str(2**31)}, "quantity", "2147483647"),
    ({"cost": "1", "quantity": "1", "ratio": "1e122"}, "ratio", "12 digits"),
    ({"cost": "1", "quantity": "1", "name": "a\x00b"}, "name", "Null characters"),
])
def test_a_form_refuses_what_its_column_cannot_hold_next_to_the_field(data, field, why):
    form = CostForm(data)
    assert not form.is_valid()
    assert why in " ".join(form.errors[field])


def test_the_money_field_reads_what_people_type():
    form = CostForm({"cost": "¥1,234.5", "quantity": "2"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["cost"] == Decimal("1234.50")
