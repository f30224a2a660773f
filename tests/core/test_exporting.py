"""core.exporting: the one CSV/XLSX export helper. A spreadsheet never runs a cell as a formula, and
numbers and dates stay numbers and dates."""

import csv
import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.test import override_settings

from core.exporting import cell_value, export_rows, neutralise

COLUMNS = ["SKU", "名称 Name", "Price", "Qty", "Entered", "Updated", "Active"]
SHANGHAI = ZoneInfo("Asia/Shanghai")
ROWS = [
    ["SKU-1", "=HYPERLINK(\"http://evil.example\",\"click\")", Decimal("199.90"), 3,
     datetime.date(2026, 11, 24), datetime.datetime(2026, 11, 24, 2, 30, tzinfo=datetime.UTC), True],
    ["SKU-2", "+1+2", Decimal("-5.00"), -2, None, None, False],
    ["SKU-3", "-3", Decimal("0"), 0, None, None, False],
    ["SKU-4", "@SUM(A1)", None, None, None, None, None],
    ["SKU-5", "\tcmd", None, None, None, None, None],
    ["SKU-6", "\rcmd", None, None, None, None, None],
    ["SKU-7", "真丝围巾 Silk scarf", None, None, None, None, None],
]


def read_xlsx(response):
    content = b"".join(response.streaming_content)
    return openpyxl.load_workbook(io.BytesIO(content)).active


def read_csv(response):
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode()), "CSV starts with a BOM so Excel reads UTF-8"
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize(("text", "expected"), [
    ("=1+1", "'=1+1"), ("+86 138", "'+86 138"), ("-x", "'-x"), ("@cmd", "'@cmd"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("plain", "plain"), ("", ""), ("a=b", "a=b"),
])
def test_text_that_a_spreadsheet_would_evaluate_is_neutralised(text, expected):
    assert neutralise(text) == expected


def test_numbers_are_not_text_so_negative_numbers_are_not_prefixed():
    assert cell_value(Decimal("-5.00")) == Decimal("-5.00")
    assert cell_value(-2) == -2
    assert cell_value("-2") == "'-2"


@override_settings(TIME_ZONE="Asia/Shanghai")
def test_xlsx_neutralises_formulas_and_keeps_values_typed():
    response = export_rows(COLUMNS, ROWS, "xlsx", filename="products")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="products-' in response["Content-Disposition"]
    sheet = read_xlsx(response)
    rows = list(sheet.iter_rows(values_only=False))

    assert [c.value for c in rows[0]] == COLUMNS
    assert rows[0][0].font.b, "header row is bold"
    link = rows[1][1]
    assert link.value == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert link.data_type == "s", "a neutralised formula is a text cell, not a formula"
    assert [r[1].value for r in rows[2:6]] == ["'+1+2", "'-3", "'@SUM(A1)", "'\tcmd"]
    assert rows[6][1].value.startswith("'"), "XML turns the CR into a newline; the apostrophe stays first"
    assert all(r[1].data_type == "s" for r in rows[1:])
    assert rows[7][1].value == "真丝围巾 Silk scarf"

    price, qty, entered, updated, active = (c for c in rows[1][2:])
    assert price.data_type == "n" and price.value == pytest.approx(199.90)
    assert qty.data_type == "n" and qty.value == 3
    assert rows[2][2].value == -5 and rows[2][2].data_type == "n", "a negative number stays a number"
    assert entered.is_date and entered.value == datetime.datetime(2026, 11, 24)
    assert entered.number_format == "yyyy-mm-dd"
    # Aware datetimes are written in local time (Excel has no time zones).
    assert updated.is_date and updated.value == datetime.datetime(2026, 11, 24, 10, 30)
    assert active.data_type == "b" and active.value is True
    assert rows[4][2].value is None


@override_settings(TIME_ZONE="Asia/Shanghai")
def test_csv_neutralises_formulas_writes_utf8_bom_and_plain_numbers():
    response = export_rows(COLUMNS, ROWS, "csv", filename="products")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    rows = read_csv(response)
    assert rows[0] == COLUMNS
    assert rows[1] == ["SKU-1", "'=HYPERLINK(\"http://evil.example\",\"click\")", "199.90", "3",
                       "2026-11-24", "2026-11-24 10:30:00", "yes"]
    assert rows[2] == ["SKU-2", "'+1+2", "-5.00", "-2", "", "", "no"]
    assert [r[1] for r in rows[3:7]] == ["'-3", "'@SUM(A1)", "'\tcmd", "'\rcmd"]
    assert rows[7][1] == "真丝围巾 Silk scarf"


def test_rows_may_be_a_generator_and_are_consumed_lazily_for_csv():
    consumed = []

    def rows():
        for i in range(3):
            consumed.append(i)
            yield [f"row {i}"]

    response = export_rows(["n"], rows(), "csv")
    assert consumed == [], "nothing is read before the response is streamed"
    assert read_csv(response)[1:] == [["row 0"], ["row 1"], ["row 2"]]


def test_many_rows_export_to_xlsx():
    rows = ([f"SKU-{i}", Decimal(i) / 100, i] for i in range(20_000))
    sheet = read_xlsx(export_rows(["SKU", "Cost", "Qty"], rows, "xlsx"))
    assert sheet.max_row == 20_001
    assert sheet.cell(row=20_001, column=3).value == 19_999


def test_control_characters_that_xlsx_cannot_hold_are_dropped():
    sheet = read_xlsx(export_rows(["x"], [["bad\x00\x07text"]], "xlsx"))
    assert sheet.cell(row=2, column=1).value == "badtext"


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown export format"):
        export_rows(["x"], [], "pdf")


@pytest.mark.django_db
def test_table_export_rows_keep_typed_values_and_use_value_methods():
    import django_tables2 as tables

    from catalog.models import Product
    from core.tables import ConsignTable, MoneyColumn
    from tests.factories import ProductFactory

    class Table(ConsignTable):
        list_price = MoneyColumn()
        is_active = tables.BooleanColumn()
        buttons = tables.Column(empty_values=(), exclude_from_export=True)

        class Meta(ConsignTable.Meta):
            model = Product
            fields = ("sku", "name", "list_price", "is_active")

        def value_name(self, value):
            return f"name: {value}"

    ProductFactory(sku="A-1", name="围巾", list_price=Decimal("1234.50"))
    table = Table(Product.objects.all())
    assert table.export_headers() == ["SKU", "Name", "List price", "Active"]
    assert list(table.export_rows(Product.objects.all())) == [["A-1", "name: 围巾", Decimal("1234.50"), True]]
