"""PDF rendering speed with the real CJK font (WenQuanYi Micro Hei, TrueType).

Measures: one slip in a fresh process (first render, font configuration included), one slip again
(warm), 100 slips laid out in ONE WeasyPrint render, and 400 slips through render_many (chunks of 80
merged with pypdf). Run alone: `.venv/bin/python benchmarks/pdf_render.py`; the last line is JSON."""

import io
import json
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from core import pdf  # noqa: E402

TEMPLATE = "benchmarks/slip.html"  # benchmarks/templates/: a dispatch-note-like slip, A5 landscape


def context(i):
    return {
        "number": f"S-{i:05d}",
        "date": "2026-11-24",
        "recipient": f"张三{i}",
        "phone": "138 0000 0000",
        "address": "上海市浦东新区世纪大道100号 8楼",
        "lines": [{"sku": f"SKU-{j:05d}", "name": f"不锈钢保温杯 Thermos {j}", "qty": j + 1} for j in range(3)],
    }


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main():
    engine = settings.TEMPLATES[0]
    templates = [{**engine, "DIRS": [*engine["DIRS"], BASE_DIR / "benchmarks" / "templates"]}]
    with override_settings(TEMPLATES=templates):
        first_s, data = timed(lambda: pdf.render_pdf(TEMPLATE, context(0)))
        fonts = {str(f.get_object()["/BaseFont"]) for f in PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"].values()}
        warm_s, _ = timed(lambda: pdf.render_pdf(TEMPLATE, context(1)))
        contexts = [context(i) for i in range(100)]
        hundred_s, hundred = timed(lambda: pdf.render_many(TEMPLATE, contexts, chunk_size=100))
        many = [context(i) for i in range(400)]
        batch_s, batch = timed(lambda: pdf.render_many(TEMPLATE, many, chunk_size=80))
    pages = len(PdfReader(io.BytesIO(batch)).pages)
    assert pages == 400 and len(PdfReader(io.BytesIO(hundred)).pages) == 100
    result = {
        "benchmark": "pdf_render",
        "font_stack": settings.PDF_FONT_STACK,
        "fonts_embedded": sorted(fonts),
        "one_slip_first_s": round(first_s, 3),
        "one_slip_warm_s": round(warm_s, 3),
        "slips_100_one_render_s": round(hundred_s, 3),
        "per_slip_100_in_one_render_s": round(hundred_s / 100, 4),
        "slips_400_render_many_chunk80_s": round(batch_s, 3),
        "per_slip_400_render_many_s": round(batch_s / 400, 4),
        "slips_per_s_render_many": round(400 / batch_s, 1),
        "pdf_bytes_400": len(batch),
    }
    print(f"one slip: {first_s:.2f} s first, {warm_s:.2f} s warm; 100 in one render: {hundred_s / 100:.4f} s/slip; "
          f"400 via render_many: {batch_s / 400:.4f} s/slip")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
