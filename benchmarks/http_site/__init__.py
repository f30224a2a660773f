"""The site benchmarks/http_load.py serves with gunicorn: Consign's settings and URLs plus one page that
exists only for the benchmark, the baseline (a bare 50-row django-tables2 table of the same orders)."""
