"""The PDF renderer: Chinese text in a TrueType CJK font, static files from disk and nothing from the
network, many slips per render."""

import io
import struct
import urllib.request
import zlib
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from pypdf import PdfReader

from core.pdf import StaticFilesURLFetcher, render_many, render_pdf, static_path_for

TEMPLATES_DIR = Path(__file__).parent / "templates"
SLIP = "tests_core/slip.html"


@pytest.fixture(autouse=True)
def test_templates(settings):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], TEMPLATES_DIR]}]


@pytest.fixture
def no_network(monkeypatch):
    """Fail loudly if anything reaches for the network through urllib (WeasyPrint's default fetcher)."""
    attempts = []

    def refuse(self, request, *args, **kwargs):
        url = getattr(request, "full_url", request)
        if not str(url).startswith("data:"):
            attempts.append(url)
            raise AssertionError(f"network access attempted: {url}")
        return original(self, request, *args, **kwargs)

    original = urllib.request.OpenerDirector.open
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)
    return attempts


def png_bytes():
    """A 2×2 red PNG."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def font_names(reader):
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def page_texts(data):
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_a_slip_with_chinese_text_is_searchable_and_uses_wenquanyi(no_network):
    data = render_pdf(SLIP, {"number": "S-1", "name": "张三", "city": "上海市"})
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    text = reader.pages[0].extract_text()
    for word in ("收件人", "张三", "上海市", "S-1"):
        assert word in text
    assert any("WenQuanYi" in name for name in font_names(reader)), font_names(reader)


def test_the_font_stack_names_the_truetype_cjk_font_first():
    assert django_settings.PDF_FONT_STACK.startswith('"WenQuanYi Micro Hei"')


def test_render_many_puts_every_context_in_one_pdf_and_reports_progress_per_chunk():
    contexts = [{"number": f"S-{i}", "name": f"收件人{i}号", "city": "杭州市"} for i in range(7)]
    calls = []
    data = render_many(SLIP, contexts, chunk_size=3, progress=lambda done, total: calls.append((done, total)))
    texts = page_texts(data)
    assert len(texts) == 7
    for i, text in enumerate(texts):
        assert f"S-{i}" in text and f"收件人{i}号" in text
    assert calls == [(3, 7), (6, 7), (7, 7)]


def test_render_many_shares_common_context_between_pages():
    data = render_many(SLIP, [{"number": 1}, {"number": 2}], common={"title": "出库单"})
    assert all("出库单" in text for text in page_texts(data))


def test_render_many_refuses_nothing_to_render():
    with pytest.raises(ValueError):
        render_many(SLIP, [])


class TestUrlFetcher:
    def test_refuses_http_and_https(self, no_network):
        fetcher = StaticFilesURLFetcher()
        for url in ("http://127.0.0.1:8000/static/css/consign.css", "https://example.com/logo.png",
                    "ftp://example.com/x.css", "file://evil.example/static/css/consign.css"):
            with pytest.raises(ValueError, match="refused"):
                fetcher.fetch(url)
        assert no_network == []

    def test_refuses_files_outside_the_static_dirs(self):
        fetcher = StaticFilesURLFetcher()
        for url in ("file:///etc/passwd", f"file://{django_settings.BASE_DIR}/config/settings/base.py",
                    "file:///static/../../etc/passwd", "file:///static/css/does-not-exist.css"):
            with pytest.raises(ValueError, match="refused"):
                fetcher.fetch(url)

    def test_serves_static_urls_from_disk(self):
        response = StaticFilesURLFetcher().fetch("file:///static/css/consign.css")
        expected = (Path(django_settings.BASE_DIR) / "static/css/consign.css").read_bytes()
        assert response.read() == expected
        assert response.content_type == "text/css"

    def test_serves_file_paths_under_a_static_dir(self):
        path = Path(django_settings.BASE_DIR) / "static/css/consign.css"
        assert static_path_for(path.as_uri()) == path.resolve()

    def test_a_static_image_is_embedded_without_any_network(self, settings, tmp_path, no_network):
        (tmp_path / "dot.png").write_bytes(png_bytes())
        settings.STATICFILES_DIRS = [tmp_path]
        data = render_pdf(SLIP, {"number": 1, "name": "张三", "city": "北京市", "image": "/static/dot.png"})
        resources = PdfReader(io.BytesIO(data)).pages[0]["/Resources"]
        images = [x for x in resources["/XObject"].values() if x.get_object()["/Subtype"] == "/Image"]
        assert len(images) == 1
        assert no_network == []

    def test_a_remote_image_is_skipped_not_fetched(self, no_network):
        data = render_pdf(SLIP, {"number": 1, "name": "张三", "city": "北京市",
                                 "image": "https://example.com/tracker.png"})
        assert "张三" in page_texts(data)[0]
        assert no_network == []
