"""PDF rendering speed with the real CJK font (WenQuanYi Micro Hei, TrueType), each figure beside a bare
baseline measured in the same run.

Measures core.pdf against bare WeasyPrint (`HTML(string=render_to_string(...)).write_pdf()`: Django's
template and WeasyPrint's defaults — its own URL fetcher, a new font configuration per document, no
chunking): one slip first in this process (fonts loaded), one slip warm, N slips laid out in ONE render,
and N slips through render_many (chunks of 80 merged with pypdf) against N slips in one bare render.
No database and no broker: nothing shared is touched.

Run alone: `.venv/bin/python benchmarks/pdf_render.py [--slips 400]`; the last line is JSON."""

import argparse
import io
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _support import BASE_DIR, emit, figure, load, timed  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from weasyprint import HTML  # noqa: E402

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


def bare(contexts):
    """The baseline: the same template and contexts, Django + WeasyPrint with their defaults, one render."""
    html = render_to_string(TEMPLATE, {"pages": contexts, "page": contexts[0],
                                       "pdf_font_stack": settings.PDF_FONT_STACK})
    return HTML(string=html, base_url=str(BASE_DIR / "static")).write_pdf()


def pages_of(data):
    return len(PdfReader(io.BytesIO(data)).pages)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--slips", type=int, default=400, help="slips for the one-render and render_many runs")
    args = parser.parse_args()
    n = args.slips
    engine = settings.TEMPLATES[0]
    templates = [{**engine, "DIRS": [*engine["DIRS"], BASE_DIR / "benchmarks" / "templates"]}]
    figures = {}
    with override_settings(TEMPLATES=templates):
        first_s, data = timed(lambda: pdf.render_pdf(TEMPLATE, context(0)))
        fonts = {str(f.get_object()["/BaseFont"])
                 for f in PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"].values()}
        bare_first_s, _ = timed(lambda: bare([context(0)]))  # fonts already loaded by the first: a warm bare one
        figures["one_slip_first"] = figure("one slip, first in the process", first_s, bare_first_s,
                                           baseline="bare WeasyPrint, one slip")
        warm_s, _ = timed(lambda: pdf.render_pdf(TEMPLATE, context(1)))
        bare_warm_s, _ = timed(lambda: bare([context(1)]))
        figures["one_slip_warm"] = figure("one slip, warm", warm_s, bare_warm_s, baseline="bare WeasyPrint, one slip")
        contexts = [context(i) for i in range(n)]
        one_s, one = timed(lambda: pdf.render_many(TEMPLATE, contexts, chunk_size=n))
        bare_one_s, bare_one = timed(lambda: bare(contexts))
        figures["slips_in_one_render"] = figure(f"{n} slips in one render", one_s, bare_one_s, count=n,
                                                baseline=f"bare WeasyPrint, {n} slips in one render")
        many_s, many = timed(lambda: pdf.render_many(TEMPLATE, contexts, chunk_size=80))
        figures["slips_render_many_chunk80"] = figure(f"{n} slips, render_many chunks of 80", many_s, bare_one_s,
                                                      count=n, baseline=f"bare WeasyPrint, {n} slips in one render")
    assert pages_of(many) == pages_of(one) == pages_of(bare_one) == n
    emit({
        "benchmark": "pdf_render",
        "slips": n,
        "font_stack": settings.PDF_FONT_STACK,
        "fonts_embedded": sorted(fonts),
        "figures": figures,
        "per_slip_render_many_s": round(many_s / n, 4),
        "per_slip_bare_one_render_s": round(bare_one_s / n, 4),
        "pdf_bytes_render_many": len(many),
        "loadavg": load(),
    })


if __name__ == "__main__":
    main()
