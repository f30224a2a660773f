"""core.importing: files are checked before they are parsed, parsed once, and written all or nothing."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from catalog.importers import ProductImporter
from catalog.models import Product
from core.import_files import ImportRefused, decode_csv_bytes
from core.importing import ImportBatch
from tests.factories import ProductFactory, SupplierFactory

HEADER = ["sku", "name", "supplier code", "unit cost", "list price", "low-stock threshold"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def xlsx_bytes(rows):
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows, encoding="utf-8-sig"):
    return "\n".join(",".join(str(v) for v in row) for row in rows).encode(encoding)


def upload(name, data):
    return SimpleUploadedFile(name, data)


def stored_batches(media):
    directory = media / "imports"
    return list(directory.iterdir()) if directory.exists() else []


@pytest.fixture
def supplier(db):
    return SupplierFactory(code="acme")


@pytest.fixture
def manager(make_user):
    return make_user("manager")


def refused(importer, file, media):
    with pytest.raises(ImportRefused) as info:
        importer.parse(file, actor=None)
    assert stored_batches(media) == [], "a refused file stores nothing"
    return info.value.message


def test_a_file_larger_than_the_importers_cap_is_refused_before_reading(db, media):
    importer = ProductImporter()
    importer.max_bytes = 1024
    message = refused(importer, upload("big.csv", b"sku,name\n" + b"x" * 2000), media)
    assert "files up to 1 KB can be imported" in message


def test_a_wrong_extension_is_refused(db, media):
    message = refused(ProductImporter(), upload("products.xls", b"whatever"), media)
    assert "“products.xls” is not a file type that can be imported" in message
    assert ".csv, .xlsx" in message


def test_a_non_zip_file_renamed_xlsx_is_refused(db, media):
    message = refused(ProductImporter(), upload("products.xlsx", b"sku,name\nA,B\n"), media)
    assert message.startswith("The file is not a valid Excel workbook")


def test_a_malformed_xlsx_is_refused_with_a_clear_message(db, media):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook><sheets><sheet name='x' r:id=")  # truncated XML
    message = refused(ProductImporter(), upload("broken.xlsx", data.getvalue()), media)
    assert message.startswith("The Excel file could not be read")


def test_a_zip_bomb_is_refused_before_it_is_parsed(db, media):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (30 * 1024 * 1024))
    compressed = data.getvalue()
    assert len(compressed) < 100 * 1024  # small on the wire, 30 MB unpacked
    importer = ProductImporter()
    importer.max_uncompressed_bytes = 10 * 1024 * 1024
    message = refused(importer, upload("bomb.xlsx", compressed), media)
    assert "expands to more than 10 MB when unpacked" in message


def test_a_sheet_whose_used_range_is_enormous_is_refused_before_the_reader_allocates_it(db, media):
    wb = Workbook()
    wb.active["A1"] = "sku"
    wb.active["XFD1048576"] = "x"  # a 10 KB file whose used range is 17 billion cells
    out = io.BytesIO()
    wb.save(out)
    message = refused(ProductImporter(), upload("far.xlsx", out.getvalue()), media)
    assert "The sheet reaches row 1,048,576" in message


def test_too_many_rows_are_refused(db, media, supplier):
    importer = ProductImporter()
    importer.max_rows = 5
    rows = [HEADER] + [[f"S{i}", "n", "acme", 1, 2, 0] for i in range(6)]
    for name, data in (("many.csv", csv_bytes(rows)), ("many.xlsx", xlsx_bytes(rows))):
        message = refused(importer, upload(name, data), media)
        assert "more than 5 rows" in message or "reaches row 7" in message


def test_missing_columns_are_named(db, media):
    message = refused(ProductImporter(), upload("p.csv", csv_bytes([["sku", "name"], ["A", "B"]])), media)
    assert "missing: supplier code, unit cost, list price" in message


def test_an_empty_file_and_a_header_only_file_are_refused(db, media):
    assert refused(ProductImporter(), upload("e.csv", b""), media) == "The file is empty."
    message = refused(ProductImporter(), upload("h.csv", csv_bytes([HEADER])), media)
    assert message == "The file has a header row but no data rows."


def test_csv_in_utf8_bom_and_in_gbk_are_both_read():
    text = "sku,名称\nA,产品\n"
    assert decode_csv_bytes(text.encode("utf-8-sig")) == text
    assert decode_csv_bytes(text.encode("utf-8")) == text
    assert decode_csv_bytes(text.encode("gbk")) == text


def test_a_gbk_csv_with_chinese_headers_is_mapped_to_the_canonical_columns(db, media, supplier, manager):
    rows = [["商品编码", "产品名称", "供应商编码", "供应商单价", "售价"], ["GB-1", "保温杯", "acme", "12.50", "29.90"]]
    batch = ProductImporter().parse(upload("gbk.csv", csv_bytes(rows, "gbk")), actor=manager)
    assert (batch.valid, batch.error_count) == (1, 0)
    assert batch.rows[0]["name"] == "保温杯"


def test_a_bad_value_is_reported_as_a_sentence_with_row_and_column(db, media, supplier, manager):
    rows = [HEADER, ["A-1", "Cup", "acme", "1.00", "2.00", 0], ["A-2", "Mug", "acme", "abc", "2.00", 0],
            ["A-3", "Pot", "nobody", "1.00", "-2", "x"]]
    batch = ProductImporter().parse(upload("bad.xlsx", xlsx_bytes(rows)), actor=manager)
    assert (batch.valid, batch.error_count, batch.skipped) == (1, 2, 0)
    assert "Row 3, column unit cost: 'abc' is not a number." in batch.errors
    assert "Row 4, column supplier code: no supplier has the code 'nobody'." in batch.errors
    assert "Row 4, column list price: '-2' must be at least 0." in batch.errors
    assert "Row 4, column low-stock threshold: 'x' is not a whole number." in batch.errors
    assert not batch.can_confirm


def test_confirm_with_errors_is_impossible_and_writes_nothing(db, media, supplier, manager):
    rows = [HEADER, ["A-1", "Cup", "acme", "1.00", "2.00", 0], ["A-2", "Mug", "acme", "abc", "2.00", 0]]
    importer = ProductImporter()
    batch = importer.parse(upload("bad.csv", csv_bytes(rows)), actor=manager)
    with pytest.raises(ImportRefused, match="has errors"):
        importer.confirm(batch, actor=manager)
    assert Product.objects.count() == 0


def test_the_batch_is_parsed_once_and_confirm_writes_the_stored_rows(db, media, supplier, manager):
    rows = [HEADER, ["A-1", "Cup", "acme", "1.5", "2", ""], ["A-2", "Mug", "ACME", "3.00", "4.00", "7"]]
    file = upload("good.xlsx", xlsx_bytes(rows))
    importer = ProductImporter()
    batch = importer.parse(file, actor=manager)
    file.file = io.BytesIO(b"garbage")  # the upload is gone by confirm time; the stored rows are used
    loaded = ImportBatch.load(batch.token, user=manager, importer_key=importer.key)
    result = importer.confirm(loaded, actor=manager)
    assert result.created == 2
    cup = Product.objects.get(sku="A-1")
    assert (cup.supplier_unit_cost, cup.list_price, cup.low_stock_threshold) == (Decimal("1.50"), Decimal("2.00"), 0)
    assert Product.objects.get(sku="A-2").low_stock_threshold == 7


def test_a_second_confirm_of_the_same_batch_imports_nothing(db, media, supplier, manager):
    importer = ProductImporter()
    batch = importer.parse(upload("g.csv", csv_bytes([HEADER, ["A-1", "Cup", "acme", 1, 2, 0]])), actor=manager)
    importer.confirm(batch, actor=manager)
    with pytest.raises(ImportRefused, match="already confirmed"):
        importer.confirm(batch, actor=manager)
    assert Product.objects.count() == 1


def test_a_failure_while_writing_rolls_back_every_row_and_keeps_the_batch(db, media, supplier, manager):
    class FailingImporter(ProductImporter):
        def write(self, rows, actor):
            super().write(rows[:1], actor)
            raise RuntimeError("disk full")

    importer = FailingImporter()
    rows = [HEADER, ["A-1", "Cup", "acme", 1, 2, 0], ["A-2", "Mug", "acme", 1, 2, 0]]
    batch = importer.parse(upload("g.csv", csv_bytes(rows)), actor=manager)
    with pytest.raises(RuntimeError):
        importer.confirm(batch, actor=manager)
    assert Product.objects.count() == 0
    assert ImportBatch.load(batch.token, user=manager, importer_key=importer.key) is not None


def test_an_existing_sku_is_skipped_and_left_unchanged(db, media, supplier, manager):
    ProductFactory(sku="OLD-1", name="Original", list_price=Decimal("9.00"))
    rows = [HEADER, ["OLD-1", "Renamed", "acme", 1, 99, 0], ["NEW-1", "New", "acme", 1, 2, 0]]
    importer = ProductImporter()
    batch = importer.parse(upload("g.csv", csv_bytes(rows)), actor=manager)
    assert (batch.valid, batch.skipped, batch.error_count) == (1, 1, 0)
    assert batch.skips == ["Row 2 skipped: SKU OLD-1 already exists; it is left unchanged."]
    result = importer.confirm(batch, actor=manager)
    assert (result.created, result.skipped) == (1, 1)
    old = Product.objects.get(sku="OLD-1")
    assert (old.name, old.list_price) == ("Original", Decimal("9.00"))


def test_a_sku_twice_in_one_file_is_an_error(db, media, supplier, manager):
    rows = [HEADER, ["A-1", "Cup", "acme", 1, 2, 0], ["A-1", "Cup again", "acme", 1, 2, 0]]
    batch = ProductImporter().parse(upload("d.csv", csv_bytes(rows)), actor=manager)
    assert batch.errors == ["Row 3, column SKU: 'A-1' already appears on row 2."]


def test_someone_elses_batch_cannot_be_loaded(db, media, supplier, manager, make_user):
    batch = ProductImporter().parse(upload("g.csv", csv_bytes([HEADER, ["A", "B", "acme", 1, 2, 0]])),
                                    actor=manager)
    other = make_user("manager")
    assert ImportBatch.load(batch.token, user=other, importer_key="catalog.products") is None
    assert ImportBatch.load("../../etc/passwd", user=manager, importer_key="catalog.products") is None
