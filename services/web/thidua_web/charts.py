"""Charts drawn on the server as SVG by pygal, served as images of their own (a page's
Content-Security-Policy forbids the inline styles pygal writes; the image's own policy allows
them and nothing else). Every chart is drawn from the same rows as the table beside it."""

import sys
from collections.abc import Mapping, Sequence

import pygal
from pygal.style import Style

# pygal 3.1 appends a legacy import finder (find_module only, for its map plugins, unused here) to
# sys.meta_path on import; past it every failing import warns (ImportWarning), which pytest's
# warnings-as-errors turns into failures elsewhere. Take it out (tests/unit/test_charts.py checks).
sys.meta_path[:] = [finder for finder in sys.meta_path if type(finder).__name__ != "PluginImportFixer"]

STYLE = Style(background="white", plot_background="white", font_family="sans-serif",
              colors=("#1f5fa8", "#d9822b", "#2e8b57", "#b03a48", "#7a5ea8", "#6b8e23", "#c71585", "#4682b4"),
              label_font_size=13, major_label_font_size=13, legend_font_size=14, title_font_size=17,
              value_font_size=12)
MONTH_STARTS = (1, 32, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335)
# Only what the SVG itself carries; no script, nothing fetched.
IMAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'"


def _config(title: str) -> dict[str, object]:
    return {"title": title, "style": STYLE, "js": [], "disable_xml_declaration": False, "width": 900,
            "height": 420, "legend_at_bottom": True, "print_values": False, "truncate_label": 40,
            "truncate_legend": 40}


def stacked_bars(title: str, labels: Sequence[str], series: Mapping[str, Sequence[float | None]],
                 horizontal: bool = False, counts: bool = False) -> bytes:
    """Bars with one segment per series (e.g. units' criteria, or award kinds per year); with
    `counts`, the axis is marked in whole numbers only (there is no half an award)."""
    kind = pygal.HorizontalStackedBar if horizontal else pygal.StackedBar
    chart = kind(**_config(title))
    if counts:
        top = max((sum(v or 0 for v in column) for column in zip(*series.values(), strict=True)), default=0)
        chart.y_labels = list(range(0, int(top) + 1, max(1, int(top) // 10)))
    # pygal draws a horizontal chart's first label at the bottom: reversed, the first row is on top
    order = (lambda items: list(reversed(items))) if horizontal else list
    chart.x_labels = order(list(labels))
    for name, values in series.items():
        chart.add(name, order(list(values)))
    return bytes(chart.render())


def timeline(title: str, events: Sequence[tuple[str, int]]) -> bytes:
    """A year's events along its days (day of the year), one dot per event, labelled."""
    chart = pygal.XY(**{**_config(title), "stroke": False, "show_y_labels": False, "dots_size": 7,
                        "xrange": (1, 366), "range": (0, len(events) + 1), "x_labels": list(MONTH_STARTS),
                        "x_value_formatter": lambda day: f"T{MONTH_STARTS.index(day) + 1}"
                        if day in MONTH_STARTS else str(day), "show_y_guides": False})
    for row, (label, day) in enumerate(events):
        chart.add(label, [(day, row + 1)])
    return bytes(chart.render())
