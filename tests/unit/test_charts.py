"""The charts' SVG carries the numbers it was drawn from, and importing the chart library
leaves Python's import machinery as it found it."""

import re
import sys

from thidua_web import charts


def test_importing_the_charts_leaves_no_legacy_import_finder() -> None:
    assert all(hasattr(finder, "find_spec") for finder in sys.meta_path), sys.meta_path


def test_a_stacked_bar_chart_carries_each_value() -> None:
    svg = charts.stacked_bars("Xếp hạng", ["Phòng Đào tạo", "Phòng Hậu cần"], {"1": [50, 52], "2": [30, 33]}).decode()
    assert sorted(float(v) for v in re.findall(r'<desc class="value">([^<]+)</desc>', svg)) == [30, 33, 50, 52]
    assert "Phòng Đào tạo" in svg
