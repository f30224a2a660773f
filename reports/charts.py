"""A chart card's content (templates/reports/chart_card.html): its figures as rows (a label, raw values, the
link to the documents behind the row) and the JSON config that static/js/charts.js draws with ECharts.

The config is plain data — no JavaScript in JSON — so a dashboard, a saved view and a lower floor's page
(the supplier balance) all describe a chart the same way."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

# The named ECharts themes (palettes) a chart may use; "default" is ECharts' own, the others are the theme
# files ECharts ships (copied by scripts/vendor_assets.sh into static/vendor/echarts/theme/).
THEMES = [
    ("default", _("Default")),
    ("macarons", _("Macarons")),
    ("vintage", _("Vintage")),
    ("roma", _("Roma")),
    ("shine", _("Shine")),
    ("infographic", _("Infographic")),
]
THEME_NAMES = frozenset(name for name, _label in THEMES)

# How a figure column reads in the table: units and counts as integers, money with two places, hours with
# one, shares as a percentage with one.
INT, MONEY, HOURS, PERCENT = "int", "money", "hours", "percent"


def format_value(value, kind=INT):
    if value is None:
        return "—"
    if kind == MONEY:
        return f"{Decimal(value):,.2f}"
    if kind == HOURS:
        return f"{float(value):,.1f}"
    if kind == PERCENT:
        return f"{float(value):.1f} %"
    return f"{int(value):,}"


def chart_number(value):
    """A value as ECharts reads it (JSON has no Decimal)."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value


@dataclass
class ChartRow:
    label: str
    values: list
    url: str = ""
    formats: tuple = ()

    @property
    def cells(self):
        formats = self.formats or (INT,) * len(self.values)
        return [format_value(value, kind) for value, kind in zip(self.values, formats, strict=False)]


@dataclass
class Chart:
    """`headers` name the figure columns; `series` the indexes of those drawn (the others show in the table
    only); `kind` is bar, line, pie, table or number."""

    id: str
    title: str
    label_header: str
    headers: list
    rows: list = field(default_factory=list)
    kind: str = "bar"
    series: tuple = (0,)
    formats: tuple = ()
    theme: str = "default"
    note: str = ""
    stack: bool = False
    totals: list | None = None
    css_class: str = "col-12 col-xl-6"
    url: str = ""  # where the title leads (a pinned view's own page)

    def __post_init__(self):
        for row in self.rows:
            row.formats = row.formats or self.formats

    @property
    def config_id(self):
        return f"{self.id}-config"

    @property
    def config(self):
        return {
            "type": self.kind,
            "theme": self.theme if self.theme in THEME_NAMES else "default",
            "stack": self.stack,
            "categories": [str(row.label) for row in self.rows],
            "urls": [row.url for row in self.rows],
            "series": [{"name": str(self.headers[i]), "data": [chart_number(row.values[i]) for row in self.rows]}
                       for i in self.series],
        }

    def add_totals(self, values):
        formats = self.formats or (INT,) * len(values)
        self.totals = [format_value(value, kind) for value, kind in zip(values, formats, strict=False)]
        return self
